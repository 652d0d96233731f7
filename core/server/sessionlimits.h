#pragma once

#include <QtGlobal>

namespace roomrec {

// What one protocol connection may cost the server (ClientSession enforces it).
struct SessionLimits {
    int deadPeerMs = 15'000;                  // silent this long: dropped
    int signInTimeoutMs = 10'000;             // hello + signIn not done this soon: dropped
    qint64 maxUnsentBytes = 4 * 1024 * 1024;  // replies and events it leaves unread: dropped
    int maxBadMessagesInARow = 50;            // malformed frames or requests in a row: dropped
    int maxBadMessages = 1000;                // ... or in all, however spaced out
};

} // namespace roomrec
