#pragma once

#include "protocol/controlmessage.h"
#include "protocol/mediapacket.h"
#include "protocol/roominfo.h"
#include "server/subscriberqueue.h"
#include "server/trackforwarder.h"

#include <QCborArray>
#include <QHash>
#include <QObject>

#include <array>
#include <memory>
#include <unordered_map>

namespace roomrec {

class ClientSession;

// The server's SFU: members subscribe to other members' tracks and get their encoded packets
// forwarded as they came, never decoded or transcoded, on the thread that receives them.
// Subscriptions name a member (user ID) and tracks and outlive that member's publishing: a
// member who publishes (again) later is forwarded from its first key frame. Only members of
// the same room subscribe to each other (the server checks the room; there is no separate
// privilege: being in the room took `join` or `create`). The wire side is in docs/protocol.md.
class MediaRelay : public QObject {
    Q_OBJECT
public:
    using TrackMask = quint8; // bit per Track

    // backlogBytes: what a subscriber may leave unread before its video is dropped (SubscriberQueue).
    explicit MediaRelay(qint64 backlogBytes) : m_backlogBytes(backlogBytes) {}

    // `subscribe` and `unsubscribe` requests; `roomMembers` are the sessions in s's room.
    void subscribe(ClientSession *s, const ControlMessage &m, const QList<ClientSession *> &roomMembers);
    void unsubscribe(ClientSession *s, const ControlMessage &m);

    // The publisher (re)published a track (a camera with audio: both).
    void published(ClientSession *publisher, Track track);
    void unpublished(ClientSession *publisher, Track track);
    // The session left its room or disconnected: as publisher and as subscriber.
    void leftRoom(ClientSession *s);
    // Returns whether any of the publisher's tracks has a subscriber (anyone watching live).
    bool forward(ClientSession *publisher, const MediaPacket &packet);

    // For the `members` event: user ID -> names of the tracks that user publishes.
    static QCborMap publishedTracks(const QList<ClientSession *> &members);

    int subscriberCount() const { return int(m_subscribers.size()); }
    qint64 droppedFor(const ClientSession *subscriber) const;
    qint64 droppedTotal() const; // by all subscribers now connected

signals:
    void keyFrameNeeded(roomrec::ClientSession *publisher, roomrec::Track track);

private:
    struct Subscriber {
        Subscriber(ClientSession *session, qint64 backlogBytes) : queue(session, backlogBytes) {}
        SubscriberQueue queue;
        QHash<QString, TrackMask> tracks; // publisher user ID -> subscribed tracks
    };
    using Forwarders = std::array<std::unique_ptr<TrackForwarder>, kTrackCount>;

    void attach(Subscriber &subscriber, ClientSession *publisher, Track track);
    static QCborMap trackInfo(const ClientSession *publisher, Track track);
    static bool isPublished(const ClientSession *publisher, Track track);

    qint64 m_backlogBytes;
    std::unordered_map<ClientSession *, std::unique_ptr<Subscriber>> m_subscribers;
    std::unordered_map<ClientSession *, Forwarders> m_forwarders;
};

} // namespace roomrec
