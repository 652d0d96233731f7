#pragma once

#include "client/localstream.h"
#include "client/memberlistmodel.h"
#include "client/membersubscriptions.h"
#include "client/recordtargetmodel.h"
#include "client/roomclient.h"
#include "media/farendreference.h"
#include "media/mediaclock.h"

#include <QObject>
#include <QSslCertificate>
#include <QTimer>

#include <functional>
#include <memory>

namespace roomrec {

// Where to connect and as whom.
struct ServerTarget {
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 0;
    QString userId;
    QString signature;
    bool tls = false;
    QList<QSslCertificate> extraCaCertificates;
};

// The room session the desktop app's window observes: the connection (with reconnect), the
// room and its members, the user's own streams (camera with microphone, screen share), and
// the recording with its file IDs. No widgets: the window lays out and wires; all of this
// runs and is tested headless (tst_roomsession). Nothing is captured or published until
// asked: the camera is previewed only once previewCamera() is called, and the screen is not
// even captured until setPublishWanted on the screen stream (Share screen). In a room, every
// other member is subscribed to and decoded off this thread (MemberSubscriptions), so the
// model holds each member's latest picture and audio level; your own row shows the camera
// preview.
//
// Asynchronous throughout: calls return at once and report through signals, so the GUI
// thread never waits.
//
// Echo: what the other members say is played through the speakers and would be picked up
// by the microphone. With webrtc-audio-processing (the default build) the microphone's sound
// is echo-cancelled against what is played (EchoCanceller); without it, or with it turned
// off, headphonesAdvised() says when the user should wear headphones: while remote audio
// plays and the microphone is on (docs/audio.md).
class RoomSession : public QObject {
    Q_OBJECT
public:
    // How the last lost connection went (the window shows it).
    enum class ReconnectState { None, Reconnecting, Reconnected, Failed };
    Q_ENUM(ReconnectState)

    explicit RoomSession(QObject *parent = nullptr);
    ~RoomSession() override;

    RoomClient &client() { return m_client; }
    const RoomClient &client() const { return m_client; }
    LocalStream &stream(Track track) { return *m_streams[track == Track::SubStreamVideo ? 1 : 0]; }
    MemberListModel &members() { return m_members; }
    // The other members' subscriptions and decoding (their pictures and levels go to members()).
    MemberSubscriptions &subscriptions() { return m_subscriptions; }
    // What the user may record (own streams; other members' with `admin`), for the Record panel.
    RecordTargetModel &recordTargets() { return m_recordTargets; }
    const MediaClock &clock() const { return m_clock; }

    ClientState state() const { return m_client.state(); }
    std::optional<RoomInfo> room() const { return m_client.room(); }
    QString userId() const { return m_client.userId(); }
    bool isRecording() const { return m_client.isRecording(); }
    bool isRecordingBusy() const { return m_recordingBusy; } // a start or stop is on its way
    ReconnectState reconnectState() const { return m_reconnectState; }
    bool lastReconnectResumedRecording() const { return m_resumedRecording; }

    // On by default when this build has it; applies from the camera stream's next (re)start.
    void setEchoCancellation(bool on);
    bool echoCancellation() const { return m_echoCancellation; }
    // What the speakers play (filled by the decoder's playout, read by the microphone's AEC).
    const FarEndReference &echoReference() const { return *m_echoReference; }
    // No echo cancellation while others are heard through speakers and the microphone is on.
    bool headphonesAdvised() const { return m_headphonesAdvised; }

    // Connects, signs in and enters the room (creating it if nobody is in it). On a lost
    // connection it comes back by itself (RoomClient auto-reconnect).
    void connectAndJoin(const ServerTarget &target, const RoomInfo &room, RoomKind kind);
    // Leaves the current room (stopping our recording first) and enters this one.
    void joinRoom(const RoomInfo &room, RoomKind kind);
    void leaveRoom();
    // Stops our recording (keeping its files), then disconnects; then() runs after.
    void disconnectFromServer(std::function<void()> then = {});

    // Publishes the stream to record if it is not yet (the user sees its toggle go on), then
    // starts the recording. recordingStarted or errorOccurred follow.
    void startRecording(const RecordParam &param);
    // recordingStopped(fileIds) or errorOccurred follow; then() runs either way.
    void stopRecording(std::function<void()> then = {});
    // The same for another member of the room (`admin`; an empty or our own user ID: the two
    // above). Nothing is published for it: the member's published stream is recorded, into
    // their catalogue, as a backend would over HTTP. memberRecordingStarted / Stopped (with
    // the file IDs) or errorOccurred follow. Leaving the room or disconnecting stops these too.
    void startRecordingOf(const QString &userId, const RecordParam &param);
    void stopRecordingOf(const QString &userId, std::function<void()> then = {});
    // The members whose recording this session started and that has not ended.
    QStringList recordedMembers() const { return m_memberRecordings.keys(); }
    bool isRecordingMember(const QString &userId) const { return m_memberRecordings.contains(userId); }
    // Our own recording (empty or own user ID) or a member's, as above.
    bool isRecordingOf(const QString &userId) const;
    bool isRecordingAnything() const { return isRecording() || !m_memberRecordings.isEmpty(); }
    // Our own recording, then every member recording we started, one after the other (their
    // files kept); then() runs after, whatever the answers.
    void stopAllRecordings(std::function<void()> then);

    // The room controls. Mic off: the microphone is closed (not captured) and no sound is
    // sent; camera off: the camera is closed, nothing of it is sent or previewed, and your
    // tile shows the avatar. The stream stays published (a recording goes on) and the room
    // is told (setMuted; the members event's `muted`), again after every join or reconnect.
    // Both start on; they are kept while the camera is not even published.
    void setMicOn(bool on);
    void setCameraOn(bool on);
    bool isMicOn() const { return m_micOn; }
    bool isCameraOn() const { return m_cameraOn; }

    // Asks for the catalogue records of these files: fileInfoReady for each.
    void fetchFileInfo(const QStringList &fileIds);
    void listFiles(const FileFilter &filter);

signals:
    void stateChanged(roomrec::ClientState state);
    void joined(const roomrec::RoomInfo &room);
    void micOnChanged(bool on);
    void cameraOnChanged(bool on);
    void recordingChanged(bool recording);
    void recordingBusyChanged(bool busy);
    void recordingStarted(const roomrec::RecordParam &param);
    void recordingStopped(const QStringList &fileIds);
    // The server ended the recording by itself (idle timeout, quota, error, shutdown).
    void recordingEndedByServer(const QStringList &fileIds, const QString &reason, int code, const QString &message);
    void memberRecordingChanged(const QString &userId, bool recording);
    void memberRecordingStarted(const QString &userId, const roomrec::RecordParam &param);
    void memberRecordingStopped(const QString &userId, const QStringList &fileIds);
    // Ended otherwise than by our stop: by the server (idle timeout, quota, error, shutdown)
    // or stopped by the member or a backend.
    void memberRecordingEnded(const QString &userId, const QStringList &fileIds, const QString &reason, int code,
                              const QString &message);
    void reconnectStateChanged(roomrec::RoomSession::ReconnectState state);
    void headphonesAdvisedChanged(bool advised);
    void fileInfoReady(const roomrec::FileRecord &file);
    void filesListed(const QList<roomrec::FileRecord> &files);
    void errorOccurred(int code, const QString &message);

private:
    void setRecordingBusy(bool busy);
    void setReconnectState(ReconnectState state);
    void updateOwnPublishing();
    void tellRoomMuted(Track track); // our mic (CameraAudio) or camera state, to the server
    Track recordedTrack(const RecordParam &param) const;
    void updateHeadphonesAdvice();
    void stopMemberRecordings(std::function<void()> then);
    void setMemberRecorded(const QString &userId, const std::optional<RecordParam> &param); // nullopt: ended

    RoomClient m_client;
    MediaClock m_clock;
    // Before the streams and subscriptions that share it (they may hold it on other threads).
    std::shared_ptr<FarEndReference> m_echoReference = std::make_shared<FarEndReference>();
    bool m_echoCancellation = false;
    bool m_headphonesAdvised = false;
    QTimer m_headphonesCheck{this}; // the playout is on another thread: its state is polled
    std::unique_ptr<LocalStream> m_streams[2]; // after the client and the clock they use
    MemberListModel m_members;
    MemberSubscriptions m_subscriptions{m_client, m_members}; // after the client and model it feeds
    RecordTargetModel m_recordTargets{m_members, m_client};
    QHash<QString, RecordParam> m_memberRecordings; // user ID -> what we asked for
    bool m_micOn = true;
    bool m_cameraOn = true;
    bool m_recordingBusy = false;
    ReconnectState m_reconnectState = ReconnectState::None;
    bool m_resumedRecording = false;
};

} // namespace roomrec
