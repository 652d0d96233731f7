#include "library/catalogurl.h"

#include "protocol/errorcode.h"

#include <QUrl>
#include <QUrlQuery>

namespace roomrec {

namespace {
Error badUrl(const QString &url, const QString &why)
{
    return makeError(ErrorCode::CatalogueFailed,
                     QStringLiteral("catalogue URL '%1': %2 (expected sqlite:PATH or postgresql://user@host:port/database)")
                         .arg(url, why));
}
} // namespace

CatalogUrl CatalogUrl::sqlite(const QString &path)
{
    CatalogUrl url;
    url.m_backend = Backend::Sqlite;
    url.m_path = path;
    return url;
}

Result<CatalogUrl> CatalogUrl::parse(const QString &text)
{
    // The password must not reach an error message or a log line.
    const QString shown = QUrl(text).toDisplayString(QUrl::RemovePassword);
    if (text.startsWith(QLatin1String("sqlite:"))) {
        // Not through QUrl: a path is taken as written (relative, spaces, '#', '?').
        QString path = text.mid(int(qstrlen("sqlite:")));
        if (path.startsWith(QLatin1String("//")))
            path = path.mid(2); // sqlite:///abs/path
        if (path.isEmpty())
            return badUrl(shown, QStringLiteral("no file path"));
        return sqlite(path);
    }
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid())
        return badUrl(shown, url.errorString());
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("postgresql") && scheme != QLatin1String("postgres"))
        return badUrl(shown, QStringLiteral("unknown scheme '%1'").arg(url.scheme()));
    CatalogUrl out;
    out.m_backend = Backend::Postgres;
    out.m_host = url.host(QUrl::FullyDecoded);
    out.m_port = url.port(5432);
    out.m_userName = url.userName(QUrl::FullyDecoded);
    out.m_password = url.password(QUrl::FullyDecoded);
    out.m_databaseName = url.path(QUrl::FullyDecoded).mid(1);
    const QUrlQuery query(url);
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (key == QLatin1String("host"))
            out.m_host = value;
        else
            return badUrl(shown, QStringLiteral("unknown parameter '%1'").arg(key));
    }
    if (out.m_databaseName.isEmpty() || out.m_databaseName.contains(QLatin1Char('/')))
        return badUrl(shown, QStringLiteral("no database name"));
    if (out.m_host.isEmpty())
        return badUrl(shown, QStringLiteral("no host (use ?host=/run/postgresql for a Unix socket)"));
    if (out.m_port < 1 || out.m_port > 65535)
        return badUrl(shown, QStringLiteral("bad port"));
    return out;
}

QString CatalogUrl::toDisplayString() const
{
    if (m_backend == Backend::Sqlite)
        return QStringLiteral("sqlite:") + m_path;
    const bool socket = m_host.startsWith(QLatin1Char('/'));
    return QStringLiteral("postgresql://%1@%2:%3/%4%5")
        .arg(m_userName, socket ? QString() : m_host)
        .arg(m_port)
        .arg(m_databaseName, socket ? QStringLiteral("?host=") + m_host : QString());
}

} // namespace roomrec
