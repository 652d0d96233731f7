#pragma once

#include "client/memberdecoder.h"
#include "media/audiomixer.h"
#include "media/farendreference.h"

#include <QAudioDevice>
#include <QElapsedTimer>
#include <QObject>

#include <atomic>
#include <functional>
#include <map>

class QThread;

namespace roomrec {

class RoomClient;
class AudioPlayout;

// What an application shows and plays of the members it subscribed to: takes RoomClient's
// forwarded packets and decodes them on its own thread (never the caller's, which may be the
// GUI thread), emitting pictures and playing every member's audio mixed through AudioPlayout
// (QAudioSink, or its labelled test sink on a machine without speakers). Feed it the tracks
// subscribe() answered with (addTracks); tracks published later arrive by themselves.
// The caller's thread never waits for the decode thread, except in the destructor.
class RemoteMedia : public QObject {
    Q_OBJECT
public:
    struct Options {
        int pictureMaxWidth = 640;
        QAudioDevice audioDevice;   // null: the default output
        bool forceTestSink = false; // headless: consume audio at the real-time rate, play nothing
        std::shared_ptr<FarEndReference> echoReference; // gets what is played, for the microphone's AEC
    };

    RemoteMedia(RoomClient &client, Options options, QObject *parent = nullptr);
    ~RemoteMedia() override;

    void addTracks(const QList<RemoteTrack> &tracks);
    void removeMember(const QString &userId);

    // Counters, readable from any thread.
    qint64 picturesDecoded() const { return m_pictures.load(); }
    qint64 audioFramesDecoded() const { return m_audioFrames.load(); }
    qint64 audioFramesPlayed() const { return m_audioPlayed.load(); }

signals:
    void pictureDecoded(const QString &userId, roomrec::Track track, qint64 ptsUs, const QImage &image);
    // A member's audio level (0..1, the loudest sample of the last ~100 ms), when it changed.
    void audioLevelChanged(const QString &userId, float level);
    void errorOccurred(int code, const QString &message);

private:
    void inWorker(std::function<void()> f);
    void reportError(const Error &error);
    void reportAudioLevels(); // in m_thread

    Options m_options;
    AudioMixer m_mixer;
    QElapsedTimer m_clock; // arrival and playout times, read from the decode thread
    QThread *m_thread = nullptr;
    QObject *m_context = nullptr;          // lives in m_thread: runs the work there
    MemberDecoder *m_decoder = nullptr;    // touched only in m_thread
    AudioPlayout *m_playout = nullptr;     // lives in m_thread
    std::map<QString, float> m_levels;     // last reported, touched only in m_thread
    std::atomic<qint64> m_pictures{0};
    std::atomic<qint64> m_audioFrames{0};
    std::atomic<qint64> m_audioPlayed{0};
};

} // namespace roomrec
