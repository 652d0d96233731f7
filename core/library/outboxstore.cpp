#include "library/outboxstore.h"

#include "library/catalog.h"
#include "library/schemamigrator.h"
#include "protocol/errorcode.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace roomrec {

namespace {
const char *kEventColumns = "seq, event_id, type, body, created_at, attempts, next_attempt_at";

QString stateName(OutboxStore::State state)
{
    switch (state) {
    case OutboxStore::State::Pending: return QStringLiteral("pending");
    case OutboxStore::State::Delivered: return QStringLiteral("delivered");
    case OutboxStore::State::Failed: return QStringLiteral("failed");
    }
    return {};
}

Error sqlError(const QSqlError &error)
{
    return makeError(ErrorCode::CatalogueFailed, QStringLiteral("outbox: ") + error.text());
}

OutboxStore::Event eventFrom(const QSqlQuery &q)
{
    OutboxStore::Event e;
    e.seq = q.value(0).toLongLong();
    e.eventId = q.value(1).toString();
    e.type = q.value(2).toString();
    e.body = q.value(3).toByteArray();
    e.createdAt = QDateTime::fromMSecsSinceEpoch(q.value(4).toLongLong(), Qt::UTC);
    e.attempts = q.value(5).toInt();
    e.nextAttemptAt = QDateTime::fromMSecsSinceEpoch(q.value(6).toLongLong(), Qt::UTC);
    return e;
}
} // namespace

OutboxStore::OutboxStore(const Catalog &catalog) : m_catalog(catalog)
{
}

namespace {
QSqlDatabase databaseOf(const Catalog &catalog)
{
    return QSqlDatabase::database(catalog.connectionName(), false);
}

// " AND node_id=?" with its value when the library is shared (see the class comment).
QString localOnly(const Catalog &catalog, QVariantList &bindings)
{
    if (!catalog.localNode())
        return {};
    bindings << qint64(*catalog.localNode());
    return QStringLiteral(" AND node_id=?");
}
} // namespace

Status OutboxStore::open()
{
    // v1 is the table as it was before versioning: a no-op on catalogues that have it.
    const QList<SchemaMigrator::Migration> migrations = {
        {1,
         {
             // {SERIAL_PK}: seq never goes back, even after pruning, so "oldest first" holds.
             "CREATE TABLE IF NOT EXISTS webhook_outbox ("
             " seq {SERIAL_PK}, event_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,"
             " body {BLOB} NOT NULL, created_at BIGINT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0,"
             " next_attempt_at BIGINT NOT NULL, state TEXT NOT NULL DEFAULT 'pending',"
             " last_error TEXT NOT NULL DEFAULT '', finished_at BIGINT)",
             "CREATE INDEX IF NOT EXISTS webhook_outbox_state ON webhook_outbox(state, seq)",
         },
         {}},
        {2,
         {
             "ALTER TABLE webhook_outbox ADD COLUMN node_id BIGINT NOT NULL DEFAULT 0",
             "CREATE INDEX webhook_outbox_node ON webhook_outbox(node_id, state, seq)",
         },
         {}},
    };
    return SchemaMigrator::apply(databaseOf(m_catalog), m_catalog.dialect(), QStringLiteral("outbox"), migrations);
}

Result<OutboxStore::Event> OutboxStore::add(const QString &eventId, const QString &type, const QByteArray &body,
                                            const QDateTime &now)
{
    QSqlQuery q(databaseOf(m_catalog));
    // RETURNING rather than lastInsertId(): the PostgreSQL driver's is the row's OID.
    q.prepare(QStringLiteral("INSERT INTO webhook_outbox (event_id, type, body, created_at, next_attempt_at, node_id) "
                             "VALUES (?,?,?,?,?,?) RETURNING seq"));
    q.addBindValue(eventId);
    q.addBindValue(type);
    q.addBindValue(body);
    q.addBindValue(now.toMSecsSinceEpoch());
    q.addBindValue(now.toMSecsSinceEpoch());
    q.addBindValue(qint64(m_catalog.nodeId()));
    if (!q.exec() || !q.next())
        return sqlError(q.lastError());
    return Event{q.value(0).toLongLong(), eventId, type, body, now, 0, now};
}

Result<std::optional<OutboxStore::Event>> OutboxStore::next() const
{
    QSqlQuery q(databaseOf(m_catalog));
    QVariantList bindings;
    const QString local = localOnly(m_catalog, bindings);
    q.prepare(QStringLiteral("SELECT %1 FROM webhook_outbox WHERE state='pending'%2 ORDER BY seq LIMIT 1")
                  .arg(QLatin1String(kEventColumns), local));
    for (const QVariant &v : bindings)
        q.addBindValue(v);
    if (!q.exec())
        return sqlError(q.lastError());
    if (!q.next())
        return std::optional<Event>();
    return std::optional<Event>(eventFrom(q));
}

Status OutboxStore::markDelivered(qint64 seq, int attempts, const QDateTime &now)
{
    return finish(seq, State::Delivered, attempts, QString(), now);
}

Status OutboxStore::markFailed(qint64 seq, int attempts, const QString &error, const QDateTime &now)
{
    return finish(seq, State::Failed, attempts, error, now);
}

Status OutboxStore::finish(qint64 seq, State state, int attempts, const QString &error, const QDateTime &now)
{
    QSqlQuery q(databaseOf(m_catalog));
    q.prepare(QStringLiteral("UPDATE webhook_outbox SET state=?, attempts=?, last_error=?, finished_at=? WHERE seq=?"));
    q.addBindValue(stateName(state));
    q.addBindValue(attempts);
    q.addBindValue(error.isNull() ? QStringLiteral("") : error);
    q.addBindValue(now.toMSecsSinceEpoch());
    q.addBindValue(seq);
    if (!q.exec())
        return sqlError(q.lastError());
    return success();
}

Status OutboxStore::markRetry(qint64 seq, int attempts, const QDateTime &nextAttemptAt, const QString &error)
{
    QSqlQuery q(databaseOf(m_catalog));
    q.prepare(QStringLiteral("UPDATE webhook_outbox SET attempts=?, next_attempt_at=?, last_error=? WHERE seq=?"));
    q.addBindValue(attempts);
    q.addBindValue(nextAttemptAt.toMSecsSinceEpoch());
    q.addBindValue(error.isNull() ? QStringLiteral("") : error);
    q.addBindValue(seq);
    if (!q.exec())
        return sqlError(q.lastError());
    return success();
}

Result<int> OutboxStore::count(State state) const
{
    QSqlQuery q(databaseOf(m_catalog));
    QVariantList bindings{stateName(state)};
    const QString local = localOnly(m_catalog, bindings);
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM webhook_outbox WHERE state=?") + local);
    for (const QVariant &v : bindings)
        q.addBindValue(v);
    if (!q.exec() || !q.next())
        return sqlError(q.lastError());
    return q.value(0).toInt();
}

Result<OutboxStore::State> OutboxStore::state(const QString &eventId) const
{
    QSqlQuery q(databaseOf(m_catalog));
    q.prepare(QStringLiteral("SELECT state FROM webhook_outbox WHERE event_id=?"));
    q.addBindValue(eventId);
    if (!q.exec())
        return sqlError(q.lastError());
    if (!q.next())
        return makeError(ErrorCode::CatalogueFailed, QStringLiteral("outbox: no event %1").arg(eventId));
    const QString name = q.value(0).toString();
    for (State s : {State::Pending, State::Delivered, State::Failed}) {
        if (stateName(s) == name)
            return s;
    }
    return State::Failed;
}

Result<int> OutboxStore::prune(const QDateTime &before)
{
    QSqlQuery q(databaseOf(m_catalog));
    q.prepare(QStringLiteral("DELETE FROM webhook_outbox WHERE state<>'pending' AND finished_at<?"));
    q.addBindValue(before.toMSecsSinceEpoch());
    if (!q.exec())
        return sqlError(q.lastError());
    return q.numRowsAffected();
}

} // namespace roomrec
