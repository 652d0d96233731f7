#pragma once

#include "common/result.h"
#include "library/clusternode.h"

#include <QList>

#include <chrono>
#include <optional>

namespace roomrec {

class Catalog;

// Which node hosts each live room, and which nodes are alive, in the library's database
// (schema component "cluster"), so servers sharing a library agree on where a room lives.
//
// Liveness is a heartbeat row per node. Times are the database server's clock, never a
// node's, so clock skew between machines cannot make a live node look dead. A room's
// placement belongs to its node while that node's heartbeat is younger than the node
// timeout; after that any node may claim it (the first claim wins: one conditional
// upsert, atomic on both backends). Same thread rules as the Catalog whose connection it uses.
class RoomPlacementStore {
public:
    RoomPlacementStore(const Catalog &catalog, std::chrono::milliseconds nodeTimeout);

    Status open(); // creates or migrates the tables
    // Records that `self` is alive now, with its current addresses.
    Status heartbeat(const ClusterNode &self);
    // Places the room on `nodeId` unless a live node already hosts it; returns the node
    // that hosts it afterwards (nodeId itself, or the live one that was there first).
    Result<ClusterNode> claim(quint32 relationId, quint32 roomId, quint32 nodeId);
    // The live node hosting the room, if any.
    Result<std::optional<ClusterNode>> host(quint32 relationId, quint32 roomId) const;
    // The room is gone from `nodeId` (last member left); a placement another node has
    // taken over meanwhile is left alone.
    Status release(quint32 relationId, quint32 roomId, quint32 nodeId);
    // Every placement of `nodeId`: at start, the rooms of its previous run died with it.
    Status releaseAll(quint32 nodeId);
    // A node by ID, if its heartbeat is current (file redirects to the node holding a file).
    Result<std::optional<ClusterNode>> liveNode(quint32 nodeId) const;
    Result<QList<ClusterNode>> liveNodes() const;

private:
    // SQL for "the database's clock now, in ms" and "a heartbeat at or after this is live".
    QString nowMs() const;
    QString liveSince() const;

    const Catalog &m_catalog;
    std::chrono::milliseconds m_nodeTimeout;
};

} // namespace roomrec
