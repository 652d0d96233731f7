#pragma once

#include <QHash>
#include <QString>

namespace roomrec {

// A room is named by the guide's pair: relation (group) ID + room ID, both unsigned 32-bit.
struct RoomInfo {
    quint32 relationId = 0;
    quint32 roomId = 0;

    friend bool operator==(const RoomInfo &, const RoomInfo &) = default;
    QString toString() const { return QStringLiteral("%1/%2").arg(relationId).arg(roomId); }
};

inline size_t qHash(const RoomInfo &room, size_t seed = 0)
{
    return qHashMulti(seed, room.relationId, room.roomId);
}

enum class RoomKind {
    MultiParty,
    OneOnOne, // recording is refused in these, as in the guide
};

inline QString roomKindName(RoomKind kind)
{
    return kind == RoomKind::OneOnOne ? QStringLiteral("one-on-one") : QStringLiteral("multi-party");
}

} // namespace roomrec
