#include "server/roomregistry.h"

#include "protocol/errorcode.h"
#include "server/clientsession.h"

namespace roomrec {

Status RoomRegistry::create(const RoomInfo &info, RoomKind kind, ClientSession *creator)
{
    if (m_rooms.contains(info))
        return makeError(ErrorCode::RoomAlreadyExists, info.toString());
    m_rooms.insert(info, Room{info, kind, {creator}});
    return success();
}

Status RoomRegistry::join(const RoomInfo &info, ClientSession *member)
{
    auto it = m_rooms.find(info);
    if (it == m_rooms.end())
        return makeError(ErrorCode::RoomNotFound, info.toString());
    if (it->members.contains(member))
        return success();
    if (it->kind == RoomKind::OneOnOne && it->members.size() >= Room::kOneOnOneMembers)
        return makeError(ErrorCode::RoomKindMismatch, QStringLiteral("one-on-one room is full"));
    it->members << member;
    return success();
}

QList<ClientSession *> RoomRegistry::leave(const RoomInfo &info, ClientSession *member)
{
    auto it = m_rooms.find(info);
    if (it == m_rooms.end())
        return {};
    it->members.removeAll(member);
    if (it->members.isEmpty()) {
        m_rooms.erase(it);
        return {};
    }
    return it->members;
}

const Room *RoomRegistry::find(const RoomInfo &info) const
{
    auto it = m_rooms.constFind(info);
    return it == m_rooms.constEnd() ? nullptr : &*it;
}

QStringList RoomRegistry::memberIds(const RoomInfo &info) const
{
    QStringList ids;
    if (const Room *room = find(info)) {
        for (const ClientSession *s : room->members)
            ids << s->userId;
    }
    return ids;
}

} // namespace roomrec
