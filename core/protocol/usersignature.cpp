#include "protocol/usersignature.h"

#include "common/constanttime.h"
#include "protocol/errorcode.h"
#include "protocol/protocollimits.h"

#include <QCborMap>
#include <QCborValue>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>

namespace roomrec {

namespace {
constexpr auto kBase64 = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

QByteArray mac(const QByteArray &secret, const QByteArray &encodedPayload)
{
    return QMessageAuthenticationCode::hash(encodedPayload, secret, QCryptographicHash::Sha256);
}

const QList<QPair<QString, UserSignature::Privilege>> kNames = {
    {QStringLiteral("create"), UserSignature::CreateRoom},
    {QStringLiteral("join"), UserSignature::Join},
    {QStringLiteral("publish"), UserSignature::Publish},
    {QStringLiteral("record"), UserSignature::Record},
    {QStringLiteral("admin"), UserSignature::Admin},
};
} // namespace

bool UserSignature::isValidUserId(const QString &userId)
{
    static const QRegularExpression kPattern(QStringLiteral("^[A-Za-z0-9_.@-]{1,%1}$").arg(protocol::kMaxUserIdChars));
    return kPattern.match(userId).hasMatch();
}

QByteArray UserSignature::sign(const QByteArray &secret, const QString &userId, const QDateTime &expiresAt,
                               Privileges privileges)
{
    const QCborMap payload{{QStringLiteral("u"), userId},
                           {QStringLiteral("e"), expiresAt.toSecsSinceEpoch()},
                           {QStringLiteral("p"), int(privileges)}};
    const QByteArray encoded = payload.toCborValue().toCbor().toBase64(kBase64);
    return encoded + '.' + mac(secret, encoded).toBase64(kBase64);
}

Result<UserSignature::Privileges> UserSignature::verify(const QByteArray &secret, const QByteArray &token,
                                                        const QString &userId, const QDateTime &now)
{
    if (token.isEmpty())
        return makeError(ErrorCode::SignatureMissing);
    const qsizetype dot = token.indexOf('.');
    if (dot <= 0 || token.size() > 1024)
        return makeError(ErrorCode::SignatureInvalid, QStringLiteral("format"));
    const QByteArray encoded = token.left(dot);
    const auto signature = QByteArray::fromBase64Encoding(token.mid(dot + 1), kBase64);
    // Constant-time comparison: a timing side channel must not reveal the MAC.
    const QByteArray expected = mac(secret, encoded);
    if (!signature || !constantTimeEquals(expected, signature.decoded))
        return makeError(ErrorCode::SignatureInvalid);
    const auto payloadBytes = QByteArray::fromBase64Encoding(encoded, kBase64);
    const QCborMap payload = QCborValue::fromCbor(payloadBytes.decoded).toMap();
    if (payload.value(QStringLiteral("u")).toString() != userId)
        return makeError(ErrorCode::SignatureInvalid, QStringLiteral("signed for another user"));
    if (payload.value(QStringLiteral("e")).toInteger() <= now.toSecsSinceEpoch())
        return makeError(ErrorCode::SignatureExpired);
    return Privileges(int(payload.value(QStringLiteral("p")).toInteger()) & Everything);
}

Result<UserSignature::Grant> UserSignature::verifyToken(const QByteArray &secret, const QByteArray &token,
                                                        const QDateTime &now)
{
    const auto payload = QByteArray::fromBase64Encoding(token.left(token.indexOf('.')), kBase64);
    const QCborMap map = QCborValue::fromCbor(payload.decoded).toMap();
    const QString user = map.value(QStringLiteral("u")).toString();
    auto privileges = verify(secret, token, user, now);
    if (!privileges)
        return privileges.error();
    return Grant{user, privileges.value(), QDateTime::fromSecsSinceEpoch(map.value(QStringLiteral("e")).toInteger(), Qt::UTC)};
}

Result<UserSignature::Privileges> UserSignature::parsePrivileges(const QString &list)
{
    Privileges out;
    for (const QString &raw : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString name = raw.trimmed().toLower();
        if (name == QLatin1String("all")) {
            out |= All;
            continue;
        }
        auto it = std::find_if(kNames.begin(), kNames.end(), [&](const auto &p) { return p.first == name; });
        if (it == kNames.end())
            return makeError(ErrorCode::WrongFieldType, QStringLiteral("unknown privilege '%1'").arg(name));
        out |= it->second;
    }
    return out;
}

QString UserSignature::privilegeNames(Privileges privileges)
{
    QStringList names;
    for (const auto &[name, flag] : kNames) {
        if (privileges & flag)
            names << name;
    }
    return names.join(QLatin1Char(','));
}

} // namespace roomrec
