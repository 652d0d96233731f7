#pragma once

#include "protocol/mediapacket.h"

#include <QList>

#include <array>
#include <deque>
#include <optional>

namespace roomrec {

// The publisher's most recent encoded packets, kept so that what the server did not get can
// be sent again after a lost connection (docs/protocol.md, "Reconnecting"). Bounded in
// bytes: past the limit the oldest packets go, and the backlog remembers, per track, up to
// where it lost packets, so a resend never starts a video track on a frame whose reference
// is gone. Packets share their payloads with the sender (no copy).
class PacketBacklog {
public:
    // 64 MiB hold more than 60 s of a 2.5 Mbit/s camera with its audio plus a 1.5 Mbit/s
    // screen share (about 31 MB), which is what the server's idle timeout waits for.
    static constexpr qint64 kDefaultMaxBytes = 64LL * 1024 * 1024;

    explicit PacketBacklog(qint64 maxBytes = kDefaultMaxBytes) : m_maxBytes(maxBytes) {}

    void setMaxBytes(qint64 maxBytes);
    qint64 maxBytes() const { return m_maxBytes; }
    void append(const MediaPacket &packet);
    // Forgets packets decoded before dtsUs (surely delivered by then), without counting them
    // as lost; a resend from before that point starts at a key frame all the same.
    void dropBefore(qint64 dtsUs);
    void clear();

    // Per track: resend what came after this decode time (nullopt: nothing of that track).
    using ResendFrom = std::array<std::optional<qint64>, kTrackCount>;
    // The packets to resend, in capture order. A video track whose packets after its point
    // were partly lost restarts at its first key frame after the loss; audio frames stand
    // alone and are all resent.
    QList<MediaPacket> since(const ResendFrom &from) const;
    // Whether every packet of the track after dtsUs is still here.
    bool isContinuousAfter(Track track, qint64 dtsUs) const { return m_goneUpTo[int(track)] <= dtsUs; }

    qint64 bytes() const { return m_bytes; }
    int size() const { return int(m_packets.size()); }
    qint64 lostPackets() const { return m_lost; } // evicted by the byte limit
    qint64 newestDtsUs() const { return m_packets.empty() ? -1 : m_packets.back().dtsUs; }
    qint64 oldestDtsUs() const { return m_packets.empty() ? -1 : m_packets.front().dtsUs; }

private:
    void popFront(bool lost);


    std::deque<MediaPacket> m_packets;
    qint64 m_bytes = 0;
    qint64 m_maxBytes;
    qint64 m_lost = 0;
    qint64 m_goneUpTo[kTrackCount] = {-1, -1, -1}; // per track, the newest decode time no longer here
};

} // namespace roomrec
