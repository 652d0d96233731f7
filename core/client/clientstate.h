#pragma once

#include <QString>

namespace roomrec {

enum class ClientState {
    Disconnected,
    Connecting,
    SignedIn,
    InRoom,
    // The connection was lost and the client is getting it back (auto-reconnect): the room,
    // the published streams and a recording are kept; packets wait in the backlog.
    Reconnecting,
};

inline QString clientStateName(ClientState state)
{
    switch (state) {
    case ClientState::Disconnected: return QStringLiteral("disconnected");
    case ClientState::Connecting: return QStringLiteral("connecting");
    case ClientState::SignedIn: return QStringLiteral("signed in");
    case ClientState::InRoom: return QStringLiteral("in room");
    case ClientState::Reconnecting: return QStringLiteral("reconnecting");
    }
    return {};
}

} // namespace roomrec
