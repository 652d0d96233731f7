#pragma once

#include <QtGlobal>

namespace roomrec::protocol {

// Bumped on any incompatible wire change; hello carries it.
constexpr int kVersion = 1;

// Frame header: 4-byte big-endian payload length, then 1 byte frame kind.
constexpr int kFrameHeaderBytes = 5;
// Limits are checked from the header, before any payload is buffered.
constexpr quint32 kMaxControlPayload = 64 * 1024;
constexpr quint32 kMaxMediaPayload = 8 * 1024 * 1024;

constexpr int kMaxFileNameChars = 100;
constexpr int kMaxTags = 10;
constexpr int kMaxTagChars = 32;
constexpr int kMaxUserIdChars = 64;
constexpr int kMaxExtradataBytes = 4096;

// Keepalive: clients ping every kPingIntervalMs; a peer silent for kDeadPeerMs is dropped.
constexpr int kPingIntervalMs = 5000;
constexpr int kDeadPeerMs = 15000;

} // namespace roomrec::protocol
