#include "server/mediaurlsigner.h"

#include "common/constanttime.h"
#include "protocol/errorcode.h"

#include <QMessageAuthenticationCode>

namespace roomrec {

namespace {
constexpr auto kBase64 = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
} // namespace

MediaUrlSigner::MediaUrlSigner(QByteArray key, qint64 lifetimeSeconds)
    : m_key(std::move(key)), m_lifetimeSeconds(lifetimeSeconds)
{
}

QByteArray MediaUrlSigner::mac(quint64 fileId, qint64 expires) const
{
    const QByteArray message = "media:" + QByteArray::number(fileId) + ':' + QByteArray::number(expires);
    return QMessageAuthenticationCode::hash(message, m_key, QCryptographicHash::Sha256).toBase64(kBase64);
}

QString MediaUrlSigner::url(quint64 fileId, const QDateTime &now) const
{
    const qint64 expires = now.toSecsSinceEpoch() + m_lifetimeSeconds;
    return QStringLiteral("/media/%1.mp4?expires=%2&sig=%3")
        .arg(fileId)
        .arg(expires)
        .arg(QString::fromLatin1(mac(fileId, expires)));
}

bool MediaUrlSigner::isSigned(const QUrlQuery &query)
{
    return query.hasQueryItem(QStringLiteral("sig"));
}

Status MediaUrlSigner::verify(quint64 fileId, const QUrlQuery &query, const QDateTime &now) const
{
    bool ok = false;
    const qint64 expires = query.queryItemValue(QStringLiteral("expires")).toLongLong(&ok);
    if (!ok)
        return makeError(ErrorCode::SignatureInvalid, QStringLiteral("play URL without expiry"));
    if (!constantTimeEquals(mac(fileId, expires), query.queryItemValue(QStringLiteral("sig")).toLatin1()))
        return makeError(ErrorCode::SignatureInvalid, QStringLiteral("play URL signature"));
    if (expires <= now.toSecsSinceEpoch())
        return makeError(ErrorCode::SignatureExpired, QStringLiteral("play URL"));
    return success();
}

} // namespace roomrec
