#include "server/subscriberqueue.h"

#include "protocol/trackname.h"
#include "server/clientsession.h"

namespace roomrec {

SubscriberQueue::SubscriberQueue(ClientSession *session, qint64 videoBudgetBytes)
    : m_session(session), m_videoBudget(videoBudgetBytes), m_audioBudget(2 * videoBudgetBytes)
{
    // A subscriber's backlog should be visible to us, not hidden in a kernel buffer that
    // grows to megabytes on loopback: that would be seconds of latency nobody can drop.
    m_session->setSendBufferBytes(kSendBufferBytes);
}

void SubscriberQueue::offer(const QString &publisher, TrackDelivery &delivery, const OutgoingPacket &out)
{
    const MediaPacket &packet = out.packet;
    const qint64 unsent = m_session->unsentBytes();
    if (packet.isVideo()) {
        if (delivery.waitingForKey && !packet.key) {
            if (delivery.dropping) {
                ++delivery.dropped;
                ++m_droppedTotal;
            }
            return;
        }
        if (unsent > m_videoBudget) {
            delivery.waitingForKey = true;
            delivery.dropping = true;
            ++delivery.dropped;
            ++m_droppedTotal;
            return;
        }
        delivery.waitingForKey = false;
    } else if (unsent > m_audioBudget) {
        delivery.dropping = true;
        ++delivery.dropped;
        ++m_droppedTotal;
        return;
    }
    if (delivery.dropping)
        reportDrops(publisher, packet.track, delivery);
    ++delivery.delivered;
    m_session->sendMedia(out.framed);
}

void SubscriberQueue::reportDrops(const QString &publisher, Track track, TrackDelivery &delivery)
{
    delivery.dropping = false;
    m_session->sendEvent(QStringLiteral("mediaDropped"), {{QStringLiteral("userId"), publisher},
                                                          {QStringLiteral("track"), trackName(track)},
                                                          {QStringLiteral("dropped"), delivery.dropped},
                                                          {QStringLiteral("delivered"), delivery.delivered}});
}

} // namespace roomrec
