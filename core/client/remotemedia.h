#pragma once

#include "client/remotemediaoptions.h"
#include "protocol/remotetrack.h"

#include <QImage>
#include <QObject>

#include <memory>

namespace roomrec {

class DrainingThread;
class RemoteMediaWorker;
class RoomClient;
struct RemoteMediaShared;

// What an application shows and plays of the members it subscribed to: takes RoomClient's
// forwarded packets and decodes them on its own thread (never the caller's, which may be the
// GUI thread), playing every member's audio mixed through AudioPlayout (QAudioSink, or its
// labelled test sink on a machine without speakers) and emitting each picture when the
// sound of the same instant is heard (PictureScheduler). Feed it the tracks subscribe()
// answered with (addTracks); tracks published later arrive by themselves.
// The caller's thread never waits for the decode thread, not even in the destructor: the
// worker drains and ends on its own (DrainingThread); nothing it does reaches this object
// once it is gone.
class RemoteMedia : public QObject {
    Q_OBJECT
public:
    using Options = RemoteMediaOptions;

    RemoteMedia(RoomClient &client, Options options, QObject *parent = nullptr);
    // Without a client: packets come through receive().
    explicit RemoteMedia(Options options, QObject *parent = nullptr);
    ~RemoteMedia() override;

    void addTracks(const QList<RemoteTrack> &tracks);
    void removeMember(const QString &userId);
    void receive(const QString &userId, const MediaPacket &packet);

    // Counters, readable from any thread.
    qint64 picturesDecoded() const;
    qint64 picturesDropped() const; // held too long behind a member's audio (queue full)
    qint64 latePictures() const;    // decoded after their sound was heard
    qint64 audioFramesDecoded() const;
    qint64 audioFramesPlayed() const;

signals:
    // A member's picture, at the time its sound is heard (at once for a member without audio).
    void pictureDecoded(const QString &userId, roomrec::Track track, qint64 ptsUs, const QImage &image);
    // When a member's pts came out of its decoder, and when it reached the screen (video) or
    // reaches the speakers (audio), in µs on the receiver clock (Options::clock): what A/V
    // sync and latency are measured with.
    void presented(const QString &userId, roomrec::Track track, qint64 ptsUs, qint64 decodedAtUs, qint64 atUs);
    // A member's audio level (0..1, the loudest sample of the last ~100 ms), when it changed.
    void audioLevelChanged(const QString &userId, float level);
    void errorOccurred(int code, const QString &message);

private:
    template <typename F>
    void inWorker(F &&f);

    std::shared_ptr<RemoteMediaShared> m_shared;
    DrainingThread *m_thread = nullptr;    // deletes itself once the worker ended it
    RemoteMediaWorker *m_worker = nullptr; // lives in m_thread; deleted when it finishes
};

} // namespace roomrec
