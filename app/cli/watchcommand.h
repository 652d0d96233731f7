#pragma once

#include "watchstats.h"

#include "client/roomclient.h"
#include "recording/fragmentedmp4writer.h"

#include <QCommandLineParser>
#include <QElapsedTimer>

#include <memory>

// roomrec-cli watch: join a room, subscribe to a member's camera (with its audio) or
// sub-stream, write what arrives by stream copy to an MP4 and print what was received
// (frames, gaps, drops the server reported, capture-to-receive latency) as JSON.
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
    qint64 m_subscribedWallUs = 0;
    QElapsedTimer m_sinceSubscribed;
    int m_exitCode = 0;
    bool m_done = false;
    bool m_watching = false;
};
