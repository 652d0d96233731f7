#pragma once

#include "client/clientstate.h"
#include "client/packetbacklog.h"
#include "client/pendingrequests.h"
#include "client/recordedframecounter.h"
#include "library/filefilter.h"
#include "library/filerecord.h"
#include "media/publishpipeline.h"
#include "media/streamworker.h"
#include "protocol/framedecoder.h"
#include "protocol/recordparam.h"
#include "protocol/remotetrack.h"
#include "protocol/roominfo.h"
#include "protocol/usersignature.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QSslCertificate>
#include <QSslSocket>
#include <QTimer>

#include <functional>
#include <optional>

namespace roomrec {

// What the server knows of a user's last recording in a room (the guide's "query the
// recording result"): useful after a recording ended by itself.
struct RecordingResult {
    bool stillRecording = false;
    QStringList fileIds;
    QString reason;
    int errorCode = 0;
    QString errorMessage;
};

// How a client gets a lost connection back (RoomClient::setAutoReconnect): attempts after
// firstDelayMs, doubling up to maxDelayMs, for at most giveUpMs (a deadline: an attempt still
// under way then is abandoned); packets wait in a backlog of at most backlogBytes meanwhile.
struct ReconnectPolicy {
    int firstDelayMs = 250;
    int maxDelayMs = 5000;
    int giveUpMs = 5 * 60 * 1000;
    qint64 backlogBytes = PacketBacklog::kDefaultMaxBytes;
};

// The client SDK, modelled on the reference guide: asynchronous calls that end in exactly
// one of success (with a value) or error (code, description), plus signals for state,
// members and recording. Lives in the thread that created it; the socket is non-blocking.
class RoomClient : public QObject {
    Q_OBJECT
public:
    using ErrorCallback = std::function<void(int code, const QString &message)>;
    using DoneCallback = std::function<void()>;
    template <typename T>
    using ValueCallback = std::function<void(const T &value)>;

    explicit RoomClient(QObject *parent = nullptr);
    ~RoomClient() override;

    void connectToServer(const QString &host, quint16 port, const QString &userId, const QString &signature,
                         DoneCallback onSuccess, ErrorCallback onError);
    void disconnectFromServer();
    // Next connections use TLS; the server's certificate must chain to the system's CAs or to
    // one of extraCaCertificates (e.g. a self-signed server's own certificate).
    void setTls(bool enabled, const QList<QSslCertificate> &extraCaCertificates = {});
    bool isTls() const { return m_tls; }
    // Keepalive: ping every pingMs; a server silent for deadMs is reported lost
    // (defaults from protocollimits.h: 5 s and 15 s).
    void setKeepalive(int pingMs, int deadMs);
    // When on, a lost connection is not the end: the client goes Reconnecting, connects again
    // with backoff, signs in, rejoins its room, publishes its streams again and resends from
    // its backlog what the server lacks, so a recording goes on in the same file without a
    // hole (docs/protocol.md, "Reconnecting"). Off by default (for the tests that expect a lost
    // connection to end things); the app turns it on, the CLI with --reconnect-seconds.
    void setAutoReconnect(bool enabled, const ReconnectPolicy &policy = {});
    bool autoReconnect() const { return m_autoReconnect; }

    void createRoom(const RoomInfo &room, RoomKind kind, ValueCallback<QStringList> onSuccess, ErrorCallback onError);
    // A server of a cluster that does not host the room answers RoomOnOtherNode with the
    // address of the one that does: the client connects there (same user and signature) and
    // joins, following at most kMaxRedirects such answers.
    void joinRoom(const RoomInfo &room, ValueCallback<QStringList> onSuccess, ErrorCallback onError);
    static constexpr int kMaxRedirects = 3;
    // Joins the room, creating it (multi-party) if nobody is in it yet.
    void createOrJoinRoom(const RoomInfo &room, RoomKind kind, ValueCallback<QStringList> onSuccess, ErrorCallback onError);
    void leaveRoom(DoneCallback onSuccess, ErrorCallback onError);

    // Announces the (opened) pipeline's stream and sends its packets from now on. The
    // pipeline is not owned and may live in another thread.
    void publish(PublishPipeline *pipeline, DoneCallback onSuccess, ErrorCallback onError);
    // The same for a stream encoded on a StreamWorker (the desktop app): its parameters are
    // those of its encodingStarted().
    void publish(StreamWorker *worker, const VideoParams &video, const std::optional<AudioParams> &audio,
                 DoneCallback onSuccess, ErrorCallback onError);
    bool isPublished(Track track) const { return m_publishers[int(track)] != nullptr; }
    void unpublish(Track track, DoneCallback onSuccess, ErrorCallback onError);
    // Publishes from now on say where the capture clock's pts 0 is on the wall clock (µs since
    // 1970), so subscribers can measure capture-to-receive latency (MediaClock::wallClockEpochUs).
    void setCaptureClockEpoch(qint64 epochUs) { m_clockEpochUs = epochUs; }

    // Another member's tracks (all of them without `track`): their packets arrive as
    // memberPacketReceived; the value lists the tracks published now (more come as
    // remoteTrackPublished). Only members of our room (30000018 otherwise).
    void subscribe(const QString &userId, std::optional<Track> track, ValueCallback<QList<RemoteTrack>> onSuccess,
                   ErrorCallback onError);
    void unsubscribe(const QString &userId, std::optional<Track> track, DoneCallback onSuccess, ErrorCallback onError);
    // User ID -> names of the tracks they publish ("camera", "sub-stream", "audio").
    QHash<QString, QStringList> memberTracks() const { return m_memberTracks; }
    // Tells the room that our camera (Track::CameraVideo) or microphone (Track::CameraAudio)
    // is off or on again (the `muted` of the members event). Sending stops in the publisher;
    // this only says so. Needs a room.
    void setMuted(Track track, bool muted, DoneCallback onSuccess, ErrorCallback onError);
    // User ID -> names of what they turned off ("camera", "audio"); empty from older servers.
    QHash<QString, QStringList> memberMuted() const { return m_memberMuted; }

    void startRecording(const RoomInfo &room, const RecordParam &param, DoneCallback onSuccess, ErrorCallback onError);
    void stopRecording(const RoomInfo &room, ValueCallback<QStringList> onSuccess, ErrorCallback onError);
    void queryRecordingResult(const RoomInfo &room, ValueCallback<RecordingResult> onSuccess, ErrorCallback onError);
    // The same for another member of our room (an empty userId or our own: the calls above).
    // The server records what that member publishes, as for a backend over HTTP: the file is
    // theirs (their catalogue, their quota). Needs the `admin` privilege (30000043) and the
    // member in our room to start (30000018); nothing of it is counted here.
    void startRecordingOf(const QString &userId, const RoomInfo &room, const RecordParam &param, DoneCallback onSuccess,
                          ErrorCallback onError);
    void stopRecordingOf(const QString &userId, const RoomInfo &room, ValueCallback<QStringList> onSuccess,
                         ErrorCallback onError);
    void queryRecordingResultOf(const QString &userId, const RoomInfo &room, ValueCallback<RecordingResult> onSuccess,
                                ErrorCallback onError);
    // What our signature grants, as the server said at sign-in (none before).
    UserSignature::Privileges privileges() const { return m_privileges; }
    bool isAdmin() const { return m_privileges.testFlag(UserSignature::Admin); }

    void fileInfo(quint64 fileId, ValueCallback<FileRecord> onSuccess, ErrorCallback onError);
    void listFiles(const FileFilter &filter, ValueCallback<QList<FileRecord>> onSuccess, ErrorCallback onError);

    ClientState state() const { return m_state; }
    QString userId() const { return m_userId; }
    std::optional<RoomInfo> room() const { return m_room; }
    QStringList members() const { return m_members; }
    bool isRecording() const { return m_recording != RecordingPhase::Idle; }
    // Video packets of the recorded track sent from the first key frame after the start
    // request until the stop request: what the server's file should contain.
    qint64 recordedFramesSent() const { return m_recordedFrames.count(); }
    qint64 packetsDroppedForBacklog() const { return m_backlogDrops; }
    // Auto-reconnect: packets resent after reconnects, packets the backlog had to give up.
    qint64 packetsResent() const { return m_packetsResent; }
    qint64 packetsLostFromBacklog() const { return m_backlog.lostPackets(); }
    int reconnects() const { return m_reconnects; }

signals:
    void stateChanged(roomrec::ClientState state);
    void membersChanged(const QStringList &members);
    void recordingStateChanged(bool recording);
    // The server ended our recording by itself (idle timeout, quota, error, shutdown).
    void recordingEnded(const QStringList &fileIds, const QString &reason, int code, const QString &message);
    // A recording of another member we started (startRecordingOf) ended otherwise than by our
    // stop: by the server (idle timeout, quota, error, shutdown) or stopped by someone else.
    void memberRecordingEnded(const QString &userId, const QStringList &fileIds, const QString &reason, int code,
                              const QString &message);
    void errorOccurred(int code, const QString &message);
    // Joining followed a cluster's redirect: the connection now goes to host:port.
    void redirected(const QString &host, quint16 port);
    // Auto-reconnect: the connection was lost (why), then came back with the room and the
    // streams (recordingResumed: a recording goes on in the same file), or could not.
    void reconnecting(int code, const QString &message);
    // Each connection attempt while reconnecting (1, 2, ...), as it starts.
    void reconnectAttempt(int attempt);
    void reconnected(bool recordingResumed);
    void reconnectFailed(int code, const QString &message);
    // A subscribed member's encoded packet, as the publisher sent it.
    void memberPacketReceived(const QString &userId, const roomrec::MediaPacket &packet);
    void remoteTrackPublished(const roomrec::RemoteTrack &track);
    // The server dropped this many of the track's packets in all because we read too slowly.
    void mediaDropped(const QString &userId, roomrec::Track track, qint64 dropped);

private:
    enum class RecordingPhase { Idle, Starting, Recording, Stopping };

    void joinRoom(const RoomInfo &room, int redirectsLeft, ValueCallback<QStringList> onSuccess, ErrorCallback onError);
    void request(const QString &type, const QCborMap &fields, std::function<void(const ControlMessage &)> handler);
    void setState(ClientState state);
    void forgetPublished(); // stop sending packets the server no longer expects
    void forgetPublished(int track);
    void requestKeyFrame(int track);
    // Announces a stream; once the server took it, connect() wires its packets to us.
    void publishTrack(int track, QObject *source, const QCborMap &fields,
                      std::function<QMetaObject::Connection()> connectPackets, std::function<void()> keyFrame,
                      DoneCallback onSuccess, ErrorCallback onError);
    void onConnected();
    void onReadyRead();
    void onSocketError();
    void onEvent(const ControlMessage &event);
    void onForwarded(QByteArray &&payload);
    void sendPacket(const MediaPacket &packet);
    void connectionLost(const Error &error);
    void enteredRoom(const RoomInfo &room, const QCborMap &reply);
    void becomeDisconnected(const Error &error);
    // Auto-reconnect, in order: schedule an attempt, connect (onConnected signs in), rejoin,
    // re-publish with "resume" and resend, then back to InRoom.
    void scheduleReconnect(const Error &why);
    void attemptReconnect();
    void reconnectStepFailed(int code, const QString &message);
    void giveUpReconnect(int code, const QString &message);
    void rejoinAfterReconnect();
    void republishAfterReconnect();
    void resumeTrack(int track, const QCborValue &reply);
    void finishReconnect();
    void checkRecordingAfterReconnect();
    bool isLive(const MediaPacket &packet) const;
    void setRecordingPhase(RecordingPhase phase);
    static QCborMap roomFields(const RoomInfo &room);
    // `userId` names whose recording (empty: no field, the caller's own).
    void startOwnRecording(const RoomInfo &room, const RecordParam &param, const QString &userId,
                           DoneCallback onSuccess, ErrorCallback onError);
    void stopOwnRecording(const RoomInfo &room, const QString &userId, ValueCallback<QStringList> onSuccess,
                          ErrorCallback onError);
    // The room's fields, and `userId` unless it is empty.
    static QCborMap recordingFields(const RoomInfo &room, const QString &userId);
    // A startRecording request's fields, once the parameters are valid.
    static Result<QCborMap> startFields(const RoomInfo &room, const RecordParam &param, const QString &userId);
    static void deliverFileIds(const QCborValue &reply, const ValueCallback<QStringList> &onSuccess, const ErrorCallback &onError);

    QSslSocket m_socket{this}; // plain TCP unless setTls(true)
    bool m_tls = false;
    FrameDecoder m_decoder{FrameDecoder::Side::Client};
    PendingRequests m_pending;
    ClientState m_state = ClientState::Disconnected;
    QString m_userId;
    QString m_signature;
    UserSignature::Privileges m_privileges;
    DoneCallback m_connectSuccess;
    ErrorCallback m_connectError;
    std::optional<RoomInfo> m_room;
    QStringList m_members;
    QHash<QString, QStringList> m_memberTracks;
    QHash<QString, QStringList> m_memberMuted;
    std::optional<qint64> m_clockEpochUs;
    // What is published per track: the packets' sender and how to ask it for a key frame.
    QPointer<QObject> m_publishers[2];
    std::function<void()> m_requestKeyFrame[2];
    QList<QMetaObject::Connection> m_pipelineConnections[2];
    RecordingPhase m_recording = RecordingPhase::Idle;
    Track m_recordedTrack = Track::CameraVideo;
    RecordedFrameCounter m_recordedFrames;
    qint64 m_backlogDrops = 0;
    bool m_waitingForKeyAfterDrop[2] = {false, false};
    QCborMap m_publishFields[2]; // announced, for publishing again after a reconnect
    std::optional<RoomKind> m_roomKind;
    QString m_host;
    quint16 m_port = 0;
    bool m_autoReconnect = false;
    ReconnectPolicy m_reconnectPolicy;
    PacketBacklog m_backlog;
    bool m_live[2] = {false, false}; // packets of this track go out now (else they wait)
    int m_republishing = 0;          // publish replies still awaited during a reconnect
    bool m_recordingResumed = false;
    int m_reconnectDelayMs = 0;
    int m_reconnectAttempts = 0; // of the current reconnect
    Error m_reconnectWhy;        // the last reason an attempt failed (for the give-up message)
    int m_reconnects = 0;
    qint64 m_packetsResent = 0;
    qint64 m_resentUnwritten = 0; // resent bytes still in the socket: not held against live latency
    QTimer m_reconnectTimer{this};
    QTimer m_giveUpTimer{this};
    QElapsedTimer m_reconnectingFor;
    QTimer m_pingTimer{this};
    int m_pingMs;
    int m_deadMs;
    QElapsedTimer m_sinceData;
};

} // namespace roomrec

Q_DECLARE_METATYPE(roomrec::ClientState)
