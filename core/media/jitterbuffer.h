#pragma once

#include "protocol/mediapacket.h"

#include <QList>

#include <map>

namespace roomrec {

// Holds one received track's packets for a fixed playout delay so network jitter never
// reaches the decoder or the speakers: packets leave in decode order when their time has
// come on the receiver's clock (the first packet's arrival + delay, then at the pace of
// the timestamps). A packet arriving after later ones already left is dropped and counted;
// the buffer is bounded (the oldest go first).
class JitterBuffer {
public:
    explicit JitterBuffer(qint64 delayUs = 100'000, int maxPackets = 1024);

    void push(const MediaPacket &packet, qint64 arrivalUs);
    QList<MediaPacket> pop(qint64 nowUs); // what is due by nowUs, in dts order
    // The receiver time at which a packet of this dts is played (after the first push).
    qint64 playoutTimeUs(qint64 dtsUs) const { return dtsUs + m_offsetUs; }
    bool anchored() const { return m_anchored; } // playoutTimeUs means something
    void reset();

    qint64 delayUs() const { return m_delayUs; }
    int size() const { return int(m_packets.size()); }
    qint64 lateDrops() const { return m_lateDrops; }
    qint64 overflowDrops() const { return m_overflowDrops; }

private:
    qint64 m_delayUs;
    int m_maxPackets;
    std::multimap<qint64, MediaPacket> m_packets; // by dts
    bool m_anchored = false;
    qint64 m_offsetUs = 0; // receiver time - media time
    qint64 m_lastReleasedDts = 0;
    bool m_released = false;
    qint64 m_lateDrops = 0;
    qint64 m_overflowDrops = 0;
};

} // namespace roomrec
