#pragma once

#include "reconnectoption.h"
#include "watchstats.h"

#include "client/roomclient.h"
#include "recording/fragmentedmp4writer.h"

#include <QCommandLineParser>
#include <QElapsedTimer>

#include <memory>

// roomrec-cli watch: join a room, subscribe to a member's camera (with its audio) or
// sub-stream, write what arrives by stream copy to an MP4 and print what was received
// (frames, gaps, drops the server reported, capture-to-receive latency) as JSON. A lost
// connection comes back (--reconnect-seconds): subscribed again, the file goes on (nothing
// written twice, a gap starts at a key frame) and the gap is reported.
class WatchCommand : public QObject {
    Q_OBJECT
public:
    static int run(const QStringList &arguments);

private:
    explicit WatchCommand(QObject *parent = nullptr) : QObject(parent) {}
    void fail(int code, const QString &message);
    void finish();
    void subscribed(const QList<roomrec::RemoteTrack> &tracks);
    void onTrack(const roomrec::RemoteTrack &track);
    void onPacket(const QString &userId, const roomrec::MediaPacket &packet);
    void startWatching();
    void joinAndSubscribe();
    void subscribe();
    void subscribeVideo();
    roomrec::RoomClient::ErrorCallback failUnlessAway();
    void onReconnected(qint64 awayMs);
    // Whether a packet goes on the file's timeline: not one written already (a reconnect's
    // re-subscription sends the current picture group again), and after a gap a key frame.
    bool continuesTimeline(const roomrec::MediaPacket &packet);

    roomrec::RoomClient m_client;
    QString m_member;
    roomrec::Track m_track = roomrec::Track::CameraVideo;
    double m_seconds = 5;
    qint64 m_frames = 0; // stop after this many video frames (0: only --seconds)
    QString m_outPath;
    std::optional<roomrec::RemoteTrack> m_video;
    std::optional<roomrec::RemoteTrack> m_audio;
    std::unique_ptr<WatchStats> m_stats;
    std::unique_ptr<roomrec::FragmentedMp4Writer> m_writer;
    qint64 m_baseDtsUs = -1;   // the first written key frame's: the file's time 0
    qint64 m_lastVideoDtsUs = -1;
    qint64 m_lastAudioDtsUs = -1;
    qint64 m_frameUs = 0;      // the video's nominal frame interval
    bool m_resyncing = false;  // reconnected: the next video packet written must continue or be a key frame
    int m_reconnects = 0;
    qint64 m_framesMissed = 0; // video frames lost to reconnects
    roomrec::RoomInfo m_room;
    ReconnectOption *m_reconnect = nullptr;
    qint64 m_subscribedWallUs = 0;
    QElapsedTimer m_sinceSubscribed;
    int m_exitCode = 0;
    bool m_done = false;
    bool m_watching = false;
};
