#pragma once

#include "common/result.h"
#include "library/clusternode.h"
#include "protocol/roominfo.h"

#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>
#include <optional>

namespace roomrec {

class CatalogWorker;

// This server's part in a cluster of servers sharing one library (--public-address): it
// keeps its heartbeat in the library, places the rooms created here, finds the node hosting
// a room a client wants to join, and lets go of a room when its last member leaves. All of
// it goes through the catalogue's thread (RoomPlacementStore), so the network thread never
// waits for the database; answers come back as callbacks on this object's thread.
//
// Without a heartbeat for `nodeTimeout` (the node died, or cannot reach the database) the
// node's rooms may be claimed by others. docs/scaling.md says what that means.
class ClusterPlacement : public QObject {
    Q_OBJECT
public:
    ClusterPlacement(CatalogWorker &catalog, ClusterNode self, std::chrono::milliseconds nodeTimeout,
                     QObject *parent = nullptr);

    // Start-up, before the server listens (waits for the catalogue's thread): creates the
    // tables, drops the placements of this node's previous run (its rooms died with it) and
    // beats for the first time; then beats every third of the timeout.
    Status start();
    // Shutdown: this node's rooms are gone (queued; the catalogue's drain sends it).
    void stop();

    const ClusterNode &self() const { return m_self; }

    // Places the room here unless a live node already hosts it; `done` gets the hosting node.
    void claim(const RoomInfo &room, QObject *context, std::function<void(Result<ClusterNode>)> done);
    // The live node hosting the room, if any.
    void locate(const RoomInfo &room, QObject *context, std::function<void(Result<std::optional<ClusterNode>>)> done);
    void release(const RoomInfo &room);
    // A node by ID if its heartbeat is current (file downloads are sent to the node holding the file).
    void liveNode(quint32 nodeId, QObject *context, std::function<void(Result<std::optional<ClusterNode>>)> done);

private:
    void beat();

    CatalogWorker &m_catalog;
    ClusterNode m_self;
    std::chrono::milliseconds m_nodeTimeout;
    QTimer m_heartbeat;
};

} // namespace roomrec
