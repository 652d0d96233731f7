#pragma once

#include "common/result.h"

#include <QCborMap>
#include <QString>

namespace roomrec {

// A control frame's content: a CBOR map {"t": type, "id": request id, ...fields}.
// Requests carry id > 0; the response ("result") echoes it; events carry id 0.
// The typed accessors validate as they read, so a handler never sees a wrong type.
class ControlMessage {
public:
    ControlMessage() = default;
    ControlMessage(QString type, quint64 id, QCborMap fields = {});

    static Result<ControlMessage> decode(const QByteArray &payload);
    QByteArray encode() const;

    // Builders for responses.
    static ControlMessage success(quint64 id, const QCborValue &value = {});
    static ControlMessage failure(quint64 id, const Error &error);

    const QString &type() const { return m_type; }
    quint64 id() const { return m_id; }
    const QCborMap &fields() const { return m_fields; }
    void set(const QString &key, const QCborValue &value) { m_fields.insert(key, value); }
    bool has(const QString &key) const { return m_fields.contains(key); }

    Result<qint64> integer(const QString &key, qint64 min, qint64 max) const;
    Result<qint64> integerOr(const QString &key, qint64 fallback, qint64 min, qint64 max) const;
    Result<QString> string(const QString &key, int maxChars) const;
    Result<QString> stringOr(const QString &key, const QString &fallback, int maxChars) const;
    Result<bool> boolean(const QString &key, bool fallback) const;
    Result<QByteArray> bytes(const QString &key, int maxBytes) const;
    Result<QCborMap> map(const QString &key) const;

    // For "result" messages.
    bool isOk() const { return m_fields.value(QStringLiteral("ok")).toBool(); }
    Error error() const;
    QCborValue value() const { return m_fields.value(QStringLiteral("value")); }

private:
    QString m_type;
    quint64 m_id = 0;
    QCborMap m_fields;
};

} // namespace roomrec
