#pragma once

#include "common/result.h"
#include "server/room.h"

#include <QHash>
#include <QStringList>

namespace roomrec {

// The server's rooms. A room exists while it has members; the last one out closes it.
class RoomRegistry {
public:
    Status create(const RoomInfo &info, RoomKind kind, ClientSession *creator);
    Status join(const RoomInfo &info, ClientSession *member);
    // Removes the member; returns the room's remaining members (to notify).
    QList<ClientSession *> leave(const RoomInfo &info, ClientSession *member);

    const Room *find(const RoomInfo &info) const;
    QStringList memberIds(const RoomInfo &info) const;

private:
    QHash<RoomInfo, Room> m_rooms;
};

} // namespace roomrec
