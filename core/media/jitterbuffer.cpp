#include "media/jitterbuffer.h"

namespace roomrec {

JitterBuffer::JitterBuffer(qint64 delayUs, int maxPackets) : m_delayUs(delayUs), m_maxPackets(qMax(1, maxPackets)) {}

void JitterBuffer::reset()
{
    m_packets.clear();
    m_anchored = false;
    m_released = false;
}

void JitterBuffer::push(const MediaPacket &packet, qint64 arrivalUs)
{
    if (!m_anchored) {
        m_anchored = true;
        m_offsetUs = arrivalUs - packet.dtsUs + m_delayUs;
    }
    if (m_released && packet.dtsUs <= m_lastReleasedDts) {
        ++m_lateDrops; // its place in the order has passed
        return;
    }
    m_packets.emplace(packet.dtsUs, packet);
    while (int(m_packets.size()) > m_maxPackets) {
        m_packets.erase(m_packets.begin());
        ++m_overflowDrops;
    }
}

QList<MediaPacket> JitterBuffer::pop(qint64 nowUs)
{
    QList<MediaPacket> due;
    while (!m_packets.empty() && m_packets.begin()->first + m_offsetUs <= nowUs) {
        due << std::move(m_packets.begin()->second);
        m_lastReleasedDts = m_packets.begin()->first;
        m_released = true;
        m_packets.erase(m_packets.begin());
    }
    return due;
}

} // namespace roomrec
