#pragma once

#include "common/result.h"

#include <QDateTime>
#include <QFlags>

namespace roomrec {

// The user signature a server checks at sign-in: who the user is, until when, and what
// they may do, signed with HMAC-SHA256 under the server's secret.
// Token: base64url(payload) "." base64url(HMAC-SHA256(secret, base64url(payload))),
// payload = CBOR {"u": user ID, "e": expiry (Unix seconds), "p": privilege bits}.
class UserSignature {
public:
    enum Privilege {
        CreateRoom = 0x1,
        Join = 0x2,
        Publish = 0x4,
        Record = 0x8,
        All = CreateRoom | Join | Publish | Record,
    };
    Q_DECLARE_FLAGS(Privileges, Privilege)

    static QByteArray sign(const QByteArray &secret, const QString &userId, const QDateTime &expiresAt,
                           Privileges privileges);
    // Checks the MAC, the user and the expiry; returns the granted privileges.
    static Result<Privileges> verify(const QByteArray &secret, const QByteArray &token, const QString &userId,
                                     const QDateTime &now);

    // For bearer tokens (HTTP API): the user the token names, once its MAC and expiry check.
    static Result<QPair<QString, Privileges>> verifyToken(const QByteArray &secret, const QByteArray &token,
                                                          const QDateTime &now);

    // "create,join,publish,record" <-> flags; unknown names are an error.
    static Result<Privileges> parsePrivileges(const QString &list);
    static QString privilegeNames(Privileges privileges);
    static bool isValidUserId(const QString &userId);
};

Q_DECLARE_OPERATORS_FOR_FLAGS(UserSignature::Privileges)

} // namespace roomrec
