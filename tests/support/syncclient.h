#pragma once

#include "client/roomclient.h"
#include "media/mediaclock.h"
#include "media/pipelinethread.h"

#include <memory>

// Test support: a RoomClient with blocking calls (each runs an event loop until its
// callback fires), plus test-pattern publishers. Keeps integration tests linear.
class SyncClient {
public:
    SyncClient();
    ~SyncClient();

    roomrec::RoomClient &client() { return m_client; }

    roomrec::Status connect(quint16 port, const QString &user, const QString &signature = {});
    // Connect, create the room and publish the test-pattern camera: the usual test start.
    roomrec::Status enterAndPublish(quint16 port, const QString &user, const roomrec::RoomInfo &room,
                                    QSize size = QSize(640, 360), int fps = 30, int gopFrames = 60);
    roomrec::Status connectTls(quint16 port, const QString &user, const QList<QSslCertificate> &trusted);
    roomrec::Status createRoom(const roomrec::RoomInfo &room, roomrec::RoomKind kind = roomrec::RoomKind::MultiParty);
    roomrec::Status joinRoom(const roomrec::RoomInfo &room);
    roomrec::Status leaveRoom();
    // Publishes a test pattern (+ tone for the camera) on the track and starts capture.
    roomrec::Status publish(roomrec::Track track, QSize size = QSize(640, 360), int fps = 30, int gopFrames = 60);
    // Stops capture; the connection stays. The packets captured until then have reached the
    // client (and recordedFramesSent()) when it returns.
    void stopPublishing();
    roomrec::Status startRecording(const roomrec::RoomInfo &room, const roomrec::RecordParam &param);
    roomrec::Result<QStringList> stopRecording(const roomrec::RoomInfo &room);
    // Lets the recording run until `frames` more of its frames have been sent: a condition
    // to wait for, not a clock, so a busy machine only makes it slower.
    bool recordFrames(qint64 frames, int timeoutMs = 30'000);
    roomrec::Result<roomrec::RecordingResult> recordingResult(const roomrec::RoomInfo &room);
    // Another member's recording (startRecordingOf & co.; an own user ID is sent as given).
    roomrec::Status startRecordingOf(const QString &userId, const roomrec::RoomInfo &room, const roomrec::RecordParam &param);
    roomrec::Result<QStringList> stopRecordingOf(const QString &userId, const roomrec::RoomInfo &room);
    roomrec::Result<roomrec::RecordingResult> recordingResultOf(const QString &userId, const roomrec::RoomInfo &room);
    // The key flag of every video packet the track's pipeline produced since the last
    // publish() of it, in order (what a recording of this user by someone else can hold).
    const QList<bool> &videoKeyFlags(roomrec::Track track) const { return m_videoKeys[int(track) & 1]; }
    roomrec::Result<roomrec::FileRecord> fileInfo(quint64 id);
    roomrec::Result<QList<roomrec::FileRecord>> listFiles(const roomrec::FileFilter &filter);

    static roomrec::RecordParam param(const QString &name, quint32 recordDataType = 0);

private:
    void releasePipelines();
    template <typename T>
    roomrec::Result<T> wait(const std::function<void(std::function<void(const T &)>, roomrec::RoomClient::ErrorCallback)> &call);

    roomrec::MediaClock m_clock;
    roomrec::RoomClient m_client;
    std::unique_ptr<roomrec::PipelineThread> m_pipelines[2];
    QList<bool> m_videoKeys[2];
};
