#pragma once

#include "protocol/mediapacket.h"

#include <QList>

namespace roomrec {

// One forwarded packet as it goes out: the frame header built once for all subscribers and
// the publisher's packet, whose payload every subscriber's socket shares. In the GOP cache
// the header is empty for packets that came while the track had no subscriber.
// `framed` (what is sent; never cached) is header and payload in one array, built once for
// all subscribers of a live packet: each subscriber's socket then takes it in one write,
// where header and payload apart cost two system calls per subscriber and packet.
struct OutgoingPacket {
    QByteArray header;
    MediaPacket packet;
    QByteArray framed;
};

// The current group of pictures of one video track: the last key frame and the frames after
// it, so a member who subscribes late decodes a picture at once instead of waiting for the
// publisher's next key frame. Bounded: a GOP longer than kMaxPackets or kMaxBytes (a
// publisher that never sends key frames) empties the cache until the next key frame, and
// late subscribers then wait for it (the relay asks the publisher for one).
class GopCache {
public:
    static constexpr int kMaxPackets = 300;             // 10 s at 30 fps
    static constexpr qint64 kMaxBytes = 8 * 1024 * 1024;

    void add(const OutgoingPacket &packet);
    void clear();
    // Starts with a key frame, or is empty.
    const QList<OutgoingPacket> &packets() const { return m_packets; }
    qint64 bytes() const { return m_bytes; }

private:
    QList<OutgoingPacket> m_packets;
    qint64 m_bytes = 0;
};

} // namespace roomrec
