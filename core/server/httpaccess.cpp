#include "server/httpaccess.h"

#include "common/constanttime.h"
#include "protocol/errorcode.h"

#include <QUrl>
#include <QUrlQuery>

namespace roomrec {

namespace {
// "host", "host:port", "[v6]:port" -> host, lowercased, without brackets.
QString hostPart(const QByteArray &hostHeader)
{
    const QUrl url(QStringLiteral("http://") + QString::fromLatin1(hostHeader));
    return url.host().toLower();
}

bool isLoopbackName(const QString &host)
{
    return host == QLatin1String("localhost") || host == QLatin1String("127.0.0.1") || host == QLatin1String("::1");
}
} // namespace

HttpAccess::HttpAccess(QByteArray secret, QByteArray accessToken, bool loopbackOnly)
    : m_secret(std::move(secret)), m_accessToken(std::move(accessToken)), m_loopbackOnly(loopbackOnly)
{
}

Status HttpAccess::checkBrowserSafety(const QHttpServerRequest &request) const
{
    const QByteArray host = request.value("Host");
    // A web page that rebinds its own DNS name to 127.0.0.1 still sends its name as Host.
    if (m_loopbackOnly && !isLoopbackName(hostPart(host)))
        return makeError(ErrorCode::ForbiddenOrigin, QStringLiteral("Host '%1'").arg(QString::fromLatin1(host.left(100))));
    // Browsers send Origin with cross-site POSTs and DELETEs (even "simple" text/plain ones)
    // and with scripted requests; this API serves no web pages, so only its own origin fits.
    const QByteArray origin = request.value("Origin");
    if (!origin.isEmpty()) {
        const QUrl originUrl(QString::fromLatin1(origin));
        const QString expected = QString::fromLatin1(host).toLower();
        QString actual = originUrl.host().toLower();
        if (actual.contains(QLatin1Char(':')))
            actual = QStringLiteral("[%1]").arg(actual);
        if (originUrl.port() >= 0)
            actual += QStringLiteral(":%1").arg(originUrl.port());
        if (origin == "null" || !originUrl.isValid() || actual != expected)
            return makeError(ErrorCode::ForbiddenOrigin, QStringLiteral("Origin '%1'").arg(QString::fromLatin1(origin.left(100))));
    }
    return success();
}

Result<UserSignature::Grant> HttpAccess::caller(const QHttpServerRequest &request, bool queryTokenAllowed,
                                               const QDateTime &now) const
{
    if (Status safe = checkBrowserSafety(request); !safe)
        return safe.error();
    if (m_secret.isEmpty() && m_accessToken.isEmpty())
        return UserSignature::Grant{QString(), UserSignature::Everything, QDateTime()};
    const QByteArray auth = request.value("Authorization");
    QByteArray token;
    if (auth.startsWith("Bearer "))
        token = auth.mid(7).trimmed();
    else if (queryTokenAllowed)
        token = request.query().queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded).toLatin1();
    if (token.isEmpty())
        return makeError(ErrorCode::SignatureMissing);
    if (!m_accessToken.isEmpty() && constantTimeEquals(token, m_accessToken))
        return UserSignature::Grant{QString(), UserSignature::Everything, QDateTime()};
    if (m_secret.isEmpty())
        return makeError(ErrorCode::SignatureInvalid, QStringLiteral("wrong access token"));
    return UserSignature::verifyToken(m_secret, token, now);
}

} // namespace roomrec
