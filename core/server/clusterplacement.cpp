#include "server/clusterplacement.h"

#include "common/logging.h"
#include "library/catalogworker.h"
#include "library/roomplacementstore.h"

namespace roomrec {

ClusterPlacement::ClusterPlacement(CatalogWorker &catalog, ClusterNode self, std::chrono::milliseconds nodeTimeout,
                                   QObject *parent)
    : QObject(parent), m_catalog(catalog), m_self(std::move(self)), m_nodeTimeout(nodeTimeout)
{
    // A third of the timeout: two beats may be late (a slow database) before others see
    // this node as dead.
    m_heartbeat.setInterval(int(std::max<qint64>(100, m_nodeTimeout.count() / 3)));
    connect(&m_heartbeat, &QTimer::timeout, this, &ClusterPlacement::beat);
}

Status ClusterPlacement::start()
{
    const ClusterNode self = m_self;
    const auto timeout = m_nodeTimeout;
    Status started = m_catalog.call([&](Catalog &catalog) -> Status {
        RoomPlacementStore store(catalog, timeout);
        if (Status s = store.open(); !s)
            return s;
        if (Status s = store.releaseAll(self.nodeId); !s)
            return s;
        return store.heartbeat(self);
    });
    if (!started)
        return started;
    m_heartbeat.start();
    qCInfo(lcServer).noquote() << "cluster node" << m_self.nodeId << "at" << m_self.protocolAddress
                               << "heartbeat every" << m_heartbeat.interval() << "ms";
    return success();
}

void ClusterPlacement::stop()
{
    m_heartbeat.stop();
    m_catalog.write([nodeId = m_self.nodeId, timeout = m_nodeTimeout](Catalog &catalog) {
        return RoomPlacementStore(catalog, timeout).releaseAll(nodeId);
    });
}

void ClusterPlacement::beat()
{
    // A write, never refused when requests pile up: a node too busy to beat would lose its rooms.
    // A failed beat is only logged: the next one comes a third of the timeout later.
    m_catalog.write<Status>(
        [self = m_self, timeout = m_nodeTimeout](Catalog &catalog) { return RoomPlacementStore(catalog, timeout).heartbeat(self); },
        this, [](Status s) {
            if (!s)
                qCWarning(lcServer).noquote() << "cluster heartbeat failed:" << s.error().toString();
        });
}

void ClusterPlacement::claim(const RoomInfo &room, QObject *context, std::function<void(Result<ClusterNode>)> done)
{
    m_catalog.request<Result<ClusterNode>>(
        context,
        [room, nodeId = m_self.nodeId, timeout = m_nodeTimeout](Catalog &catalog) {
            return RoomPlacementStore(catalog, timeout).claim(room.relationId, room.roomId, nodeId);
        },
        std::move(done));
}

void ClusterPlacement::locate(const RoomInfo &room, QObject *context,
                              std::function<void(Result<std::optional<ClusterNode>>)> done)
{
    m_catalog.request<Result<std::optional<ClusterNode>>>(
        context,
        [room, timeout = m_nodeTimeout](Catalog &catalog) {
            return RoomPlacementStore(catalog, timeout).host(room.relationId, room.roomId);
        },
        std::move(done));
}

void ClusterPlacement::liveNode(quint32 nodeId, QObject *context, std::function<void(Result<std::optional<ClusterNode>>)> done)
{
    m_catalog.request<Result<std::optional<ClusterNode>>>(
        context, [nodeId, timeout = m_nodeTimeout](Catalog &catalog) { return RoomPlacementStore(catalog, timeout).liveNode(nodeId); },
        std::move(done));
}

void ClusterPlacement::release(const RoomInfo &room)
{
    m_catalog.write([room, nodeId = m_self.nodeId, timeout = m_nodeTimeout](Catalog &catalog) {
        return RoomPlacementStore(catalog, timeout).release(room.relationId, room.roomId, nodeId);
    });
}

} // namespace roomrec
