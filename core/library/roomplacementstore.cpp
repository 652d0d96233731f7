#include "library/roomplacementstore.h"

#include "library/catalog.h"
#include "library/schemamigrator.h"
#include "protocol/errorcode.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace roomrec {

namespace {
Error sqlError(const QSqlError &error)
{
    return makeError(ErrorCode::CatalogueFailed, QStringLiteral("room placement: ") + error.text());
}

QSqlQuery prepare(const Catalog &catalog, const QString &sql, const QVariantList &bindings)
{
    QSqlQuery q(QSqlDatabase::database(catalog.connectionName(), false));
    q.prepare(sql);
    for (const QVariant &v : bindings)
        q.addBindValue(v);
    return q;
}

ClusterNode nodeFrom(const QSqlQuery &q, int first)
{
    return ClusterNode{quint32(q.value(first).toLongLong()), q.value(first + 1).toString(), q.value(first + 2).toString()};
}
} // namespace

RoomPlacementStore::RoomPlacementStore(const Catalog &catalog, std::chrono::milliseconds nodeTimeout)
    : m_catalog(catalog), m_nodeTimeout(nodeTimeout)
{
}

Status RoomPlacementStore::open()
{
    const QList<SchemaMigrator::Migration> migrations = {
        {1,
         {
             "CREATE TABLE IF NOT EXISTS cluster_nodes ("
             " node_id BIGINT PRIMARY KEY, protocol_address TEXT NOT NULL, http_url TEXT NOT NULL,"
             " heartbeat_at BIGINT NOT NULL)",
             "CREATE TABLE IF NOT EXISTS room_placements ("
             " relation_id BIGINT NOT NULL, room_id BIGINT NOT NULL, node_id BIGINT NOT NULL,"
             " placed_at BIGINT NOT NULL, PRIMARY KEY (relation_id, room_id))",
             "CREATE INDEX IF NOT EXISTS room_placements_node ON room_placements(node_id)",
         },
         {}},
    };
    return SchemaMigrator::apply(QSqlDatabase::database(m_catalog.connectionName(), false), m_catalog.dialect(),
                                 QStringLiteral("cluster"), migrations);
}

QString RoomPlacementStore::nowMs() const
{
    return m_catalog.dialect().nowMillis();
}

QString RoomPlacementStore::liveSince() const
{
    return QStringLiteral("(%1 - %2)").arg(nowMs()).arg(qint64(m_nodeTimeout.count()));
}

Status RoomPlacementStore::heartbeat(const ClusterNode &self)
{
    QSqlQuery q = prepare(m_catalog,
                          QStringLiteral("INSERT INTO cluster_nodes (node_id, protocol_address, http_url, heartbeat_at)"
                                         " VALUES (?,?,?,%1) ON CONFLICT (node_id) DO UPDATE SET"
                                         " protocol_address=excluded.protocol_address, http_url=excluded.http_url,"
                                         " heartbeat_at=excluded.heartbeat_at")
                              .arg(nowMs()),
                          {qint64(self.nodeId), self.protocolAddress, self.httpUrl.isNull() ? QStringLiteral("") : self.httpUrl});
    if (!q.exec())
        return sqlError(q.lastError());
    return success();
}

Result<ClusterNode> RoomPlacementStore::claim(quint32 relationId, quint32 roomId, quint32 nodeId)
{
    // One statement decides: a new row, or taking over the row of a node whose heartbeat has
    // stopped. Two nodes claiming at once both run it; the row lock (PostgreSQL) or the
    // write lock (SQLite) orders them and the second sees the first's live node.
    QSqlQuery claimQuery = prepare(
        m_catalog,
        QStringLiteral("INSERT INTO room_placements (relation_id, room_id, node_id, placed_at) VALUES (?,?,?,%1)"
                       " ON CONFLICT (relation_id, room_id) DO UPDATE SET node_id=excluded.node_id, placed_at=excluded.placed_at"
                       " WHERE room_placements.node_id=excluded.node_id OR NOT EXISTS (SELECT 1 FROM cluster_nodes n"
                       " WHERE n.node_id=room_placements.node_id AND n.heartbeat_at >= %2)")
            .arg(nowMs(), liveSince()),
        {qint64(relationId), qint64(roomId), qint64(nodeId)});
    if (!claimQuery.exec())
        return sqlError(claimQuery.lastError());
    QSqlQuery q = prepare(m_catalog,
                          QStringLiteral("SELECT p.node_id, n.protocol_address, n.http_url FROM room_placements p"
                                         " LEFT JOIN cluster_nodes n ON n.node_id=p.node_id"
                                         " WHERE p.relation_id=? AND p.room_id=?"),
                          {qint64(relationId), qint64(roomId)});
    if (!q.exec())
        return sqlError(q.lastError());
    if (!q.next())
        return makeError(ErrorCode::CatalogueFailed, QStringLiteral("room placement: room %1/%2 vanished while it was placed").arg(relationId).arg(roomId));
    return nodeFrom(q, 0);
}

Result<std::optional<ClusterNode>> RoomPlacementStore::host(quint32 relationId, quint32 roomId) const
{
    QSqlQuery q = prepare(m_catalog,
                          QStringLiteral("SELECT n.node_id, n.protocol_address, n.http_url FROM room_placements p"
                                         " JOIN cluster_nodes n ON n.node_id=p.node_id"
                                         " WHERE p.relation_id=? AND p.room_id=? AND n.heartbeat_at >= %1")
                              .arg(liveSince()),
                          {qint64(relationId), qint64(roomId)});
    if (!q.exec())
        return sqlError(q.lastError());
    if (!q.next())
        return std::optional<ClusterNode>();
    return std::optional<ClusterNode>(nodeFrom(q, 0));
}

Status RoomPlacementStore::release(quint32 relationId, quint32 roomId, quint32 nodeId)
{
    QSqlQuery q = prepare(m_catalog, QStringLiteral("DELETE FROM room_placements WHERE relation_id=? AND room_id=? AND node_id=?"),
                          {qint64(relationId), qint64(roomId), qint64(nodeId)});
    if (!q.exec())
        return sqlError(q.lastError());
    return success();
}

Status RoomPlacementStore::releaseAll(quint32 nodeId)
{
    QSqlQuery q = prepare(m_catalog, QStringLiteral("DELETE FROM room_placements WHERE node_id=?"), {qint64(nodeId)});
    if (!q.exec())
        return sqlError(q.lastError());
    return success();
}

Result<std::optional<ClusterNode>> RoomPlacementStore::liveNode(quint32 nodeId) const
{
    QSqlQuery q = prepare(m_catalog,
                          QStringLiteral("SELECT node_id, protocol_address, http_url FROM cluster_nodes"
                                         " WHERE node_id=? AND heartbeat_at >= %1")
                              .arg(liveSince()),
                          {qint64(nodeId)});
    if (!q.exec())
        return sqlError(q.lastError());
    if (!q.next())
        return std::optional<ClusterNode>();
    return std::optional<ClusterNode>(nodeFrom(q, 0));
}

Result<QList<ClusterNode>> RoomPlacementStore::liveNodes() const
{
    QSqlQuery q = prepare(m_catalog,
                          QStringLiteral("SELECT node_id, protocol_address, http_url FROM cluster_nodes"
                                         " WHERE heartbeat_at >= %1 ORDER BY node_id")
                              .arg(liveSince()),
                          {});
    if (!q.exec())
        return sqlError(q.lastError());
    QList<ClusterNode> nodes;
    while (q.next())
        nodes << nodeFrom(q, 0);
    return nodes;
}

} // namespace roomrec
