#pragma once

#include "server/gopcache.h"
#include "server/subscriberqueue.h"

#include <QElapsedTimer>

#include <vector>

namespace roomrec {

// Forwards one published track (a member's camera, sub-stream or audio) to the members who
// subscribed to it: the encoded packets as they came, with one header built per packet and
// the payload shared by every subscriber. Video tracks keep their current GOP for late
// subscribers.
class TrackForwarder {
public:
    static constexpr int kKeyFrameRequestIntervalMs = 1000;

    TrackForwarder(const QString &publisherUserId, Track track);

    void forward(const MediaPacket &packet);
    // Starts delivering to `queue`, the cached GOP first. False for a video track with no key
    // frame cached: the subscriber's first picture waits for the publisher's next one.
    bool addSubscriber(SubscriberQueue *queue);
    void removeSubscriber(const SubscriberQueue *queue);
    bool hasSubscriber(const SubscriberQueue *queue) const;
    int subscriberCount() const { return int(m_subscribers.size()); }
    Track track() const { return m_track; }
    // Rate limit for asking the publisher for a key frame: true at most once per interval.
    bool takeKeyFrameRequest();

private:
    struct Subscriber {
        SubscriberQueue *queue = nullptr;
        TrackDelivery delivery;
    };

    QString m_publisher;
    QByteArray m_publisherUtf8;
    Track m_track;
    GopCache m_gop;
    std::vector<Subscriber> m_subscribers;
    QElapsedTimer m_sinceKeyFrameRequest;
};

} // namespace roomrec
