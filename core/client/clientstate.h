#pragma once

#include <QString>

namespace roomrec {

enum class ClientState {
    Disconnected,
    Connecting,
    SignedIn,
    InRoom,
};

inline QString clientStateName(ClientState state)
{
    switch (state) {
    case ClientState::Disconnected: return QStringLiteral("disconnected");
    case ClientState::Connecting: return QStringLiteral("connecting");
    case ClientState::SignedIn: return QStringLiteral("signed in");
    case ClientState::InRoom: return QStringLiteral("in room");
    }
    return {};
}

} // namespace roomrec
