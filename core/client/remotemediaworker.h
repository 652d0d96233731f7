#pragma once

#include "client/memberdecoder.h"
#include "client/picturescheduler.h"
#include "client/remotemediaoptions.h"
#include "media/audiomixer.h"

#include <QElapsedTimer>
#include <QObject>

#include <atomic>
#include <map>
#include <memory>

class QTimer;

namespace roomrec {

class AudioPlayout;

// What RemoteMedia and its worker both see: counters readable from any thread, and the
// flag that tells the worker its owner is gone (queued packets are then skipped, not decoded).
struct RemoteMediaShared {
    std::atomic<qint64> pictures{0};
    std::atomic<qint64> audioFrames{0};
    std::atomic<qint64> audioPlayed{0};
    std::atomic<qint64> picturesDropped{0};
    std::atomic<qint64> latePictures{0};
    std::atomic<bool> stopping{false};
};

// RemoteMedia's decode thread's side: owns everything decoding and playout touch (decoders,
// mixer, playout, picture scheduler), so it can drain and go on its own after RemoteMedia
// is gone. Every method runs in the worker's thread. Pictures leave through PictureScheduler,
// at the time their member's sound of the same instant is heard.
class RemoteMediaWorker : public QObject {
    Q_OBJECT
public:
    RemoteMediaWorker(RemoteMediaOptions options, std::shared_ptr<RemoteMediaShared> shared);
    ~RemoteMediaWorker() override;

    void start();
    void addTracks(const QList<RemoteTrack> &tracks);
    void removeMember(const QString &userId);
    void receive(const QString &userId, const MediaPacket &packet);
    // Stops playout and decoding, drops what is held, and quits the thread.
    void finish();

signals:
    void pictureDecoded(const QString &userId, roomrec::Track track, qint64 ptsUs, const QImage &image);
    void presented(const QString &userId, roomrec::Track track, qint64 ptsUs, qint64 decodedAtUs, qint64 atUs);
    void audioLevelChanged(const QString &userId, float level);
    void errorOccurred(int code, const QString &message);

private:
    qint64 nowUs() const { return m_clock.nsecsElapsed() / 1000; }
    qint64 sinkLatencyUs() const;
    void pump();
    void updateAudioClocks();
    void show(std::vector<MemberPicture> pictures);
    void reportError(const Error &error);
    void reportAudioLevels();

    RemoteMediaOptions m_options;
    std::shared_ptr<RemoteMediaShared> m_shared;
    QElapsedTimer m_clock; // arrival, playout and presentation times
    AudioMixer m_mixer;
    std::unique_ptr<MemberDecoder> m_decoder;
    PictureScheduler m_scheduler;
    AudioPlayout *m_playout = nullptr; // child, from start() to finish()
    QTimer *m_pump = nullptr;          // child, from start() to finish()
    int m_pumps = 0;
    std::map<QString, float> m_levels; // last reported
};

} // namespace roomrec
