#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QUrlQuery>

namespace roomrec {

// Play URLs for one file: "/media/ID.mp4?expires=UNIX&sig=MAC", MAC = HMAC-SHA256(key,
// "media:ID:UNIX") in base64url. A player needs no bearer token, and a leaked URL opens that
// one file until it expires, not the library.
class MediaUrlSigner {
public:
    MediaUrlSigner(QByteArray key, qint64 lifetimeSeconds);

    QString url(quint64 fileId, const QDateTime &now) const;
    // Whether the query carries a signature at all (else other credentials are asked for).
    static bool isSigned(const QUrlQuery &query);
    // SignatureInvalid for a wrong MAC or another file, SignatureExpired past its expiry.
    Status verify(quint64 fileId, const QUrlQuery &query, const QDateTime &now) const;

private:
    QByteArray mac(quint64 fileId, qint64 expires) const;

    QByteArray m_key;
    qint64 m_lifetimeSeconds;
};

} // namespace roomrec
