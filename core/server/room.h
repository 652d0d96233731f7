#pragma once

#include "protocol/roominfo.h"

#include <QList>

namespace roomrec {

class ClientSession;

struct Room {
    RoomInfo info;
    RoomKind kind = RoomKind::MultiParty;
    QList<ClientSession *> members;

    static constexpr int kOneOnOneMembers = 2;
};

} // namespace roomrec
