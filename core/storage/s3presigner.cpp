#include "storage/s3presigner.h"

#include "storage/s3config.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QStringList>

#include <algorithm>

namespace roomrec {

namespace {
QByteArray hmac(const QByteArray &key, const QByteArray &message)
{
    return QMessageAuthenticationCode::hash(message, key, QCryptographicHash::Sha256);
}

QString uriEncode(const QString &text, bool keepSlash)
{
    static const QByteArray hex = "0123456789ABCDEF";
    QString out;
    for (const char c : text.toUtf8()) {
        const auto u = static_cast<unsigned char>(c);
        if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' || u == '_' || u == '.'
            || u == '~' || (keepSlash && u == '/')) {
            out += QLatin1Char(c);
        } else {
            out += QLatin1Char('%');
            out += QLatin1Char(hex[u >> 4]);
            out += QLatin1Char(hex[u & 15]);
        }
    }
    return out;
}
} // namespace

QString S3Presigner::encodePath(const QString &path)
{
    return uriEncode(path, true);
}

QString S3Presigner::encode(const QString &value)
{
    return uriEncode(value, false);
}

QUrl S3Presigner::presignGet(const QString &origin, const QString &path, const Credentials &credentials,
                             const QDateTime &now, int expiresSeconds)
{
    const QUrl base(origin);
    const QDateTime utc = now.toUTC();
    const QString date = utc.toString(QStringLiteral("yyyyMMdd"));
    const QString amzDate = utc.toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
    const QString scope = QStringList{date, credentials.region, credentials.service, QStringLiteral("aws4_request")}.join(QLatin1Char('/'));
    // The Host header a client sends: the port only when it is not the scheme's default.
    QString host = base.host();
    const int defaultPort = base.scheme() == QLatin1String("https") ? 443 : 80;
    if (base.port() != -1 && base.port() != defaultPort)
        host += QLatin1Char(':') + QString::number(base.port());

    QList<std::pair<QString, QString>> query{
        {QStringLiteral("X-Amz-Algorithm"), QStringLiteral("AWS4-HMAC-SHA256")},
        {QStringLiteral("X-Amz-Credential"), credentials.accessKey + QLatin1Char('/') + scope},
        {QStringLiteral("X-Amz-Date"), amzDate},
        {QStringLiteral("X-Amz-Expires"), QString::number(expiresSeconds)},
        {QStringLiteral("X-Amz-SignedHeaders"), QStringLiteral("host")},
    };
    // Sorted by encoded name (these names need no encoding, and are already in order).
    std::sort(query.begin(), query.end());
    QStringList pairs;
    for (const auto &[name, value] : query)
        pairs << encode(name) + QLatin1Char('=') + encode(value);
    const QString canonicalQuery = pairs.join(QLatin1Char('&'));

    const QString canonicalRequest = QStringList{QStringLiteral("GET"), path, canonicalQuery,
                                                 QStringLiteral("host:") + host + QLatin1Char('\n'), QStringLiteral("host"),
                                                 QStringLiteral("UNSIGNED-PAYLOAD")}
                                         .join(QLatin1Char('\n'));
    const QString stringToSign =
        QStringList{QStringLiteral("AWS4-HMAC-SHA256"), amzDate, scope,
                    QString::fromLatin1(QCryptographicHash::hash(canonicalRequest.toUtf8(), QCryptographicHash::Sha256).toHex())}
            .join(QLatin1Char('\n'));
    QByteArray key = hmac("AWS4" + credentials.secretKey.toUtf8(), date.toUtf8());
    key = hmac(key, credentials.region.toUtf8());
    key = hmac(key, credentials.service.toUtf8());
    key = hmac(key, "aws4_request");
    const QByteArray signature = hmac(key, stringToSign.toUtf8()).toHex();

    QUrl url(origin);
    url.setPath(path, QUrl::TolerantMode);
    url.setQuery(canonicalQuery + QStringLiteral("&X-Amz-Signature=") + QString::fromLatin1(signature), QUrl::TolerantMode);
    return url;
}

QUrl S3Presigner::presignGet(const S3Config &config, const QString &key, const QDateTime &now)
{
    QUrl origin = config.endpoint;
    origin.setPath(QString());
    return presignGet(origin.toString(QUrl::RemovePath | QUrl::RemoveQuery),
                      QLatin1Char('/') + encodePath(config.bucket) + QLatin1Char('/') + encodePath(key),
                      {config.accessKey, config.secretKey, config.region}, now, config.urlSeconds);
}

} // namespace roomrec
