#include "client/packetbacklog.h"

namespace roomrec {

void PacketBacklog::setMaxBytes(qint64 maxBytes)
{
    m_maxBytes = qMax<qint64>(0, maxBytes);
    while (m_bytes > m_maxBytes && !m_packets.empty())
        popFront(true);
}

void PacketBacklog::append(const MediaPacket &packet)
{
    m_packets.push_back(packet);
    m_bytes += packet.data.size();
    while (m_bytes > m_maxBytes && !m_packets.empty())
        popFront(true);
}

void PacketBacklog::dropBefore(qint64 dtsUs)
{
    while (!m_packets.empty() && m_packets.front().dtsUs < dtsUs)
        popFront(false);
}

void PacketBacklog::clear()
{
    m_packets.clear();
    m_bytes = 0;
    std::fill(std::begin(m_goneUpTo), std::end(m_goneUpTo), -1);
}

void PacketBacklog::popFront(bool lost)
{
    const MediaPacket &front = m_packets.front();
    m_bytes -= front.data.size();
    if (lost)
        ++m_lost;
    qint64 &upTo = m_goneUpTo[int(front.track)];
    upTo = qMax(upTo, front.dtsUs);
    m_packets.pop_front();
}

QList<MediaPacket> PacketBacklog::since(const ResendFrom &from) const
{
    QList<MediaPacket> out;
    bool waitForKey[kTrackCount] = {};
    for (int t = 0; t < kTrackCount; ++t)
        waitForKey[t] = from[t] && Track(t) != Track::CameraAudio && !isContinuousAfter(Track(t), *from[t]);
    for (const MediaPacket &packet : m_packets) {
        const int t = int(packet.track);
        if (!from[t] || packet.dtsUs <= *from[t])
            continue;
        if (waitForKey[t]) {
            if (!packet.key)
                continue;
            waitForKey[t] = false;
        }
        out << packet;
    }
    return out;
}

} // namespace roomrec
