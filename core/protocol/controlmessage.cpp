#include "protocol/controlmessage.h"

#include "protocol/errorcode.h"
#include "protocol/protocollimits.h"

#include <QCborStreamReader>
#include <QCborValue>

namespace roomrec {

namespace {
const QString kType = QStringLiteral("t");
const QString kId = QStringLiteral("id");

Error missing(const QString &key) { return makeError(ErrorCode::MissingField, key); }
Error wrongType(const QString &key) { return makeError(ErrorCode::WrongFieldType, key); }
} // namespace

ControlMessage::ControlMessage(QString type, quint64 id, QCborMap fields)
    : m_type(std::move(type)), m_id(id), m_fields(std::move(fields))
{
}

Result<ControlMessage> ControlMessage::decode(const QByteArray &payload)
{
    QCborParserError parseError;
    const QCborValue root = QCborValue::fromCbor(payload, &parseError);
    if (parseError.error != QCborError::NoError)
        return makeError(ErrorCode::MalformedMessage, parseError.errorString());
    if (!root.isMap())
        return makeError(ErrorCode::MalformedMessage, QStringLiteral("not a map"));
    QCborMap map = root.toMap();
    const QCborValue type = map.value(kType);
    if (!type.isString() || type.toString().isEmpty() || type.toString().size() > 64)
        return makeError(ErrorCode::MalformedMessage, QStringLiteral("missing type"));
    const QCborValue id = map.value(kId);
    if (!id.isUndefined() && (!id.isInteger() || id.toInteger() < 0))
        return makeError(ErrorCode::MalformedMessage, QStringLiteral("bad request id"));
    ControlMessage message(type.toString(), quint64(id.toInteger()));
    map.remove(kType);
    map.remove(kId);
    message.m_fields = std::move(map);
    return message;
}

QByteArray ControlMessage::encode() const
{
    QCborMap map = m_fields;
    map.insert(kType, m_type);
    map.insert(kId, qint64(m_id));
    return map.toCborValue().toCbor();
}

ControlMessage ControlMessage::success(quint64 id, const QCborValue &value)
{
    ControlMessage m(QStringLiteral("result"), id);
    m.set(QStringLiteral("ok"), true);
    if (!value.isUndefined())
        m.set(QStringLiteral("value"), value);
    return m;
}

ControlMessage ControlMessage::failure(quint64 id, const Error &error)
{
    ControlMessage m(QStringLiteral("result"), id);
    m.set(QStringLiteral("ok"), false);
    m.set(QStringLiteral("code"), error.code);
    m.set(QStringLiteral("message"), error.message);
    return m;
}

Error ControlMessage::error() const
{
    return Error{int(m_fields.value(QStringLiteral("code")).toInteger()),
                 m_fields.value(QStringLiteral("message")).toString()};
}

Result<qint64> ControlMessage::integer(const QString &key, qint64 min, qint64 max) const
{
    const QCborValue v = m_fields.value(key);
    if (v.isUndefined())
        return missing(key);
    if (!v.isInteger() || v.toInteger() < min || v.toInteger() > max)
        return wrongType(key);
    return v.toInteger();
}

Result<qint64> ControlMessage::integerOr(const QString &key, qint64 fallback, qint64 min, qint64 max) const
{
    return has(key) ? integer(key, min, max) : Result<qint64>(fallback);
}

Result<QString> ControlMessage::string(const QString &key, int maxChars) const
{
    const QCborValue v = m_fields.value(key);
    if (v.isUndefined())
        return missing(key);
    if (!v.isString() || v.toString().size() > maxChars)
        return wrongType(key);
    return v.toString();
}

Result<QString> ControlMessage::stringOr(const QString &key, const QString &fallback, int maxChars) const
{
    return has(key) ? string(key, maxChars) : Result<QString>(fallback);
}

Result<bool> ControlMessage::boolean(const QString &key, bool fallback) const
{
    const QCborValue v = m_fields.value(key);
    if (v.isUndefined())
        return fallback;
    if (!v.isBool())
        return wrongType(key);
    return v.toBool();
}

Result<QByteArray> ControlMessage::bytes(const QString &key, int maxBytes) const
{
    const QCborValue v = m_fields.value(key);
    if (v.isUndefined())
        return QByteArray();
    if (!v.isByteArray() || v.toByteArray().size() > maxBytes)
        return wrongType(key);
    return v.toByteArray();
}

Result<QCborMap> ControlMessage::map(const QString &key) const
{
    const QCborValue v = m_fields.value(key);
    if (v.isUndefined())
        return missing(key);
    if (!v.isMap())
        return wrongType(key);
    return v.toMap();
}

} // namespace roomrec
