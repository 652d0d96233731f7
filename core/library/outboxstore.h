#pragma once

#include "common/result.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace roomrec {

class Catalog;

// The webhook outbox: events waiting to be delivered, kept in the catalogue's database
// (its own table, same connection), so an event stored before a crash or restart is still
// delivered afterwards. Rows are handed out oldest first; delivered and given-up rows stay
// for a while for inspection and are pruned. Same thread rules as the Catalog.
// In a library several servers share, each server delivers the events it enqueued (next()
// and count() see only those), so no event goes out twice from two servers.
class OutboxStore {
public:
    enum class State { Pending, Delivered, Failed };
    struct Event {
        qint64 seq = 0;        // order of enqueueing
        QString eventId;
        QString type;          // "recording.started", ...
        QByteArray body;       // the JSON sent, exactly as signed
        QDateTime createdAt;
        int attempts = 0;      // delivery attempts so far
        QDateTime nextAttemptAt;
    };

    explicit OutboxStore(const Catalog &catalog);

    // Creates or migrates the table (schema component "outbox"; new and existing catalogues alike).
    Status open();
    Result<Event> add(const QString &eventId, const QString &type, const QByteArray &body, const QDateTime &now);
    // The oldest pending event, if any.
    Result<std::optional<Event>> next() const;
    Status markDelivered(qint64 seq, int attempts, const QDateTime &now);
    Status markRetry(qint64 seq, int attempts, const QDateTime &nextAttemptAt, const QString &error);
    Status markFailed(qint64 seq, int attempts, const QString &error, const QDateTime &now);
    Result<int> count(State state) const;
    Result<State> state(const QString &eventId) const;
    // Forgets delivered and failed rows finished before `before`; returns how many.
    Result<int> prune(const QDateTime &before);

private:
    Status finish(qint64 seq, State state, int attempts, const QString &error, const QDateTime &now);

    const Catalog &m_catalog;
};

} // namespace roomrec
