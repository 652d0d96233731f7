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
        // For third-party backends: act for any user (start/stop anyone's recording) and
        // see, download and delete every file. Never part of "all": it is granted by name.
        Admin = 0x10,
        All = CreateRoom | Join | Publish | Record,
        Everything = All | Admin,
    };
    Q_DECLARE_FLAGS(Privileges, Privilege)

    // What a verified token grants: whose it is, what they may do, and until when (checked
    // again on every privileged request, not only at sign-in).
    struct Grant {
        QString userId;
        Privileges privileges;
        QDateTime expiresAt;
        bool isAdmin() const { return privileges.testFlag(Admin); }
        bool isExpired(const QDateTime &now) const { return expiresAt.isValid() && expiresAt <= now; }
    };

    static QByteArray sign(const QByteArray &secret, const QString &userId, const QDateTime &expiresAt,
                           Privileges privileges);
    // Checks the MAC, the user and the expiry; returns the granted privileges.
    static Result<Privileges> verify(const QByteArray &secret, const QByteArray &token, const QString &userId,
                                     const QDateTime &now);

    // For bearer tokens (HTTP API) and sign-in: the grant the token carries, once its MAC
    // and expiry check.
    static Result<Grant> verifyToken(const QByteArray &secret, const QByteArray &token, const QDateTime &now);

    // "create,join,publish,record,admin" <-> flags ("all" is the four user privileges);
    // unknown names are an error.
    static Result<Privileges> parsePrivileges(const QString &list);
    static QString privilegeNames(Privileges privileges);
    static bool isValidUserId(const QString &userId);
};

Q_DECLARE_OPERATORS_FOR_FLAGS(UserSignature::Privileges)

} // namespace roomrec
