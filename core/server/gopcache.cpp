#include "server/gopcache.h"

namespace roomrec {

void GopCache::add(const OutgoingPacket &packet)
{
    if (packet.packet.key)
        clear();
    else if (m_packets.isEmpty())
        return; // nothing decodable to build on until the next key frame
    if (m_packets.size() >= kMaxPackets || m_bytes + packet.packet.data.size() > kMaxBytes) {
        clear();
        return;
    }
    m_packets.append(packet); // shares the payload: no copy
    m_bytes += packet.packet.data.size();
}

void GopCache::clear()
{
    m_packets.clear();
    m_bytes = 0;
}

} // namespace roomrec
