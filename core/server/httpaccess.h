#pragma once

#include "common/result.h"
#include "protocol/usersignature.h"

#include <QHttpServerRequest>

namespace roomrec {

// Who is calling the HTTP API, and whether a browser may have been tricked into calling.
//  - With a server secret: "Authorization: Bearer <user signature>"; the grant names the
//    user, so routes can hold them to their own files and recordings.
//  - With an access token (the desktop app's embedded server: random per run): the token,
//    which grants everything, since its holder is the app's owner.
//  - With neither (loopback only, as the protocol port): every caller is trusted.
// Before any of that: on loopback the Host header must name loopback (DNS rebinding), and an
// Origin header, which browsers add to cross-site requests, must be this server's own.
class HttpAccess {
public:
    HttpAccess(QByteArray secret, QByteArray accessToken, bool loopbackOnly);

    // queryTokenAllowed: "?token=" stands in for the header (media links in players only).
    Result<UserSignature::Grant> caller(const QHttpServerRequest &request, bool queryTokenAllowed,
                                        const QDateTime &now) const;
    Status checkBrowserSafety(const QHttpServerRequest &request) const;

private:
    QByteArray m_secret;
    QByteArray m_accessToken;
    bool m_loopbackOnly;
};

} // namespace roomrec
