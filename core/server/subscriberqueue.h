#pragma once

#include "server/gopcache.h"

#include <QString>

namespace roomrec {

class ClientSession;

// What one subscriber has had of one forwarded track.
struct TrackDelivery {
    bool waitingForKey = true; // video: nothing until a key frame (at the start and after a drop)
    bool dropping = false;     // drops not yet reported to the subscriber
    qint64 delivered = 0;
    qint64 dropped = 0;
};

// One subscriber's outgoing media: admits forwarded packets into its connection's send
// buffer while what it has left unread stays within a budget, so a slow or stalled
// subscriber costs the server a bounded amount of memory and never holds back the publisher,
// the recording or the other subscribers (all are served by the same non-blocking writes).
// Over budget, video is dropped up to the next key frame that fits (a decoder cannot use the
// frames after a gap) and audio, being small and what matters most to follow a talk, is kept
// up to a larger budget. Drops are counted per track and reported to the subscriber with a
// `mediaDropped` event once delivery resumes.
// The queue is the connection's send buffer: Qt keeps the shared payload arrays there
// without copying, and the kernel's buffer in front of it is capped when the session starts
// subscribing, so the budget measures the real backlog.
class SubscriberQueue {
public:
    static constexpr int kSendBufferBytes = 128 * 1024;

    // videoBudgetBytes: unsent bytes beyond which video is dropped; audio gets twice that.
    SubscriberQueue(ClientSession *session, qint64 videoBudgetBytes);

    // Sends the packet or drops it; `publisher` is who it comes from (for the report).
    void offer(const QString &publisher, TrackDelivery &delivery, const OutgoingPacket &out);

    ClientSession *session() const { return m_session; }
    qint64 droppedTotal() const { return m_droppedTotal; }

private:
    void reportDrops(const QString &publisher, Track track, TrackDelivery &delivery);

    ClientSession *m_session;
    qint64 m_videoBudget;
    qint64 m_audioBudget;
    qint64 m_droppedTotal = 0;
};

} // namespace roomrec
