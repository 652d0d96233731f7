#include "server/trackforwarder.h"

#include "protocol/forwardedmedia.h"

#include <algorithm>

namespace roomrec {

TrackForwarder::TrackForwarder(const QString &publisherUserId, Track track)
    : m_publisher(publisherUserId), m_publisherUtf8(publisherUserId.toUtf8()), m_track(track)
{
}

void TrackForwarder::forward(const MediaPacket &packet)
{
    const bool video = packet.isVideo();
    if (m_subscribers.empty()) {
        // Nobody to send to (every publisher that only records): the GOP cache keeps the
        // packet alone and the header is built if someone subscribes (addSubscriber).
        if (video)
            m_gop.add(OutgoingPacket{{}, packet});
        return;
    }
    QByteArray header = ForwardedMedia::frameHeader(m_publisherUtf8, packet);
    const OutgoingPacket out{header, packet, header + packet.data};
    if (video)
        m_gop.add(OutgoingPacket{std::move(header), packet, {}}); // not the framed copy: the cache holds the payload once
    for (Subscriber &s : m_subscribers)
        s.queue->offer(m_publisher, s.delivery, out);
}

bool TrackForwarder::addSubscriber(SubscriberQueue *queue)
{
    if (hasSubscriber(queue))
        return true;
    m_subscribers.push_back(Subscriber{queue, {}});
    if (m_track == Track::CameraAudio)
        return true;
    Subscriber &added = m_subscribers.back();
    for (const OutgoingPacket &cached : m_gop.packets()) {
        // Framed per late joiner (the cache keeps no framed copy); the header is built here
        // if the packet came while the track had no subscriber.
        const QByteArray header = cached.header.isEmpty() ? ForwardedMedia::frameHeader(m_publisherUtf8, cached.packet) : cached.header;
        queue->offer(m_publisher, added.delivery, OutgoingPacket{header, cached.packet, header + cached.packet.data});
    }
    return !m_gop.packets().isEmpty();
}

void TrackForwarder::removeSubscriber(const SubscriberQueue *queue)
{
    m_subscribers.erase(std::remove_if(m_subscribers.begin(), m_subscribers.end(),
                                       [queue](const Subscriber &s) { return s.queue == queue; }),
                        m_subscribers.end());
}

bool TrackForwarder::hasSubscriber(const SubscriberQueue *queue) const
{
    return std::any_of(m_subscribers.begin(), m_subscribers.end(), [queue](const Subscriber &s) { return s.queue == queue; });
}

bool TrackForwarder::takeKeyFrameRequest()
{
    if (m_sinceKeyFrameRequest.isValid() && m_sinceKeyFrameRequest.elapsed() < kKeyFrameRequestIntervalMs)
        return false;
    m_sinceKeyFrameRequest.start();
    return true;
}

} // namespace roomrec
