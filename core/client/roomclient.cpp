#include "client/roomclient.h"

#include "common/hostport.h"
#include "common/logging.h"
#include "protocol/errorcode.h"
#include "protocol/forwardedmedia.h"
#include "protocol/frame.h"
#include "protocol/protocollimits.h"
#include "protocol/trackname.h"

#include <QCborArray>
#include <QSslConfiguration>

namespace roomrec {

namespace {
constexpr int kRequestTimeoutMs = 10'000;
// More unsent bytes than this and video is dropped (until the next key frame) rather than
// letting latency grow without bound on a slow link.
constexpr qint64 kMaxSendBacklog = 8 * 1024 * 1024;
// While connected, the backlog keeps what may still be in flight (unsent socket bytes, the
// kernel's buffers, a proxy's): far less than this at any bitrate the limit above allows.
constexpr qint64 kInFlightWindowUs = 30'000'000;

bool isTransient(int code)
{
    // Worth another attempt: the network or the server's state, not who we are.
    switch (ErrorCode(code)) {
    case ErrorCode::ConnectionFailed:
    case ErrorCode::ConnectionLost:
    case ErrorCode::NotConnected:
    case ErrorCode::ResponseTimeout:
    case ErrorCode::ServerShuttingDown:
    case ErrorCode::ServerBusy:
    case ErrorCode::SignInTimeout:
        return true;
    default:
        return false;
    }
}

QStringList stringsOf(const QCborValue &value)
{
    QStringList out;
    for (const QCborValue &v : value.toArray())
        out << v.toString();
    return out;
}
} // namespace

RoomClient::RoomClient(QObject *parent)
    : QObject(parent), m_pending(kRequestTimeoutMs, this), m_pingMs(protocol::kPingIntervalMs), m_deadMs(protocol::kDeadPeerMs)
{
    qRegisterMetaType<roomrec::ClientState>();
    connect(&m_socket, &QTcpSocket::connected, this, [this] {
        if (!m_tls)
            onConnected();
    });
    connect(&m_socket, &QSslSocket::encrypted, this, &RoomClient::onConnected); // TLS: after the handshake
    connect(&m_socket, &QTcpSocket::readyRead, this, &RoomClient::onReadyRead);
    connect(&m_socket, &QTcpSocket::errorOccurred, this, &RoomClient::onSocketError);
    connect(&m_socket, &QTcpSocket::disconnected, this,
            [this] { connectionLost(makeError(ErrorCode::ConnectionLost, QStringLiteral("closed by server"))); });
    connect(&m_socket, &QTcpSocket::bytesWritten, this,
            [this](qint64 bytes) { m_resentUnwritten = qMax<qint64>(0, m_resentUnwritten - bytes); });
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &RoomClient::attemptReconnect);
    m_giveUpTimer.setSingleShot(true);
    m_giveUpTimer.setTimerType(Qt::PreciseTimer); // a coarse one may fire 5% early
    connect(&m_giveUpTimer, &QTimer::timeout, this, [this] {
        // The deadline, even while an attempt hangs (a connect to a host that does not answer).
        if (m_state == ClientState::Reconnecting)
            giveUpReconnect(int(ErrorCode::ConnectionFailed), QStringLiteral("gave up reconnecting after %1 s: %2")
                                                                  .arg((m_reconnectingFor.elapsed() + 500) / 1000).arg(m_reconnectWhy.message));
    });
    connect(&m_pingTimer, &QTimer::timeout, this, [this] {
        if (m_sinceData.elapsed() > m_deadMs) {
            m_socket.abort();
            connectionLost(makeError(ErrorCode::ConnectionLost, QStringLiteral("server silent for %1 s").arg(m_deadMs / 1000.0)));
            return;
        }
        request(QStringLiteral("ping"), {}, [](const ControlMessage &) {});
    });
}

RoomClient::~RoomClient()
{
    for (auto &connections : m_pipelineConnections) {
        for (const auto &c : connections)
            disconnect(c);
    }
    // Closing must not call back into a client that is being destroyed.
    m_socket.disconnect(this);
    m_socket.abort();
}

void RoomClient::setState(ClientState state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void RoomClient::setRecordingPhase(RecordingPhase phase)
{
    const bool was = isRecording();
    m_recording = phase;
    if (was != isRecording())
        emit recordingStateChanged(isRecording());
}

QCborMap RoomClient::roomFields(const RoomInfo &room)
{
    return {{QStringLiteral("relationId"), qint64(room.relationId)}, {QStringLiteral("roomId"), qint64(room.roomId)}};
}

void RoomClient::request(const QString &type, const QCborMap &fields, std::function<void(const ControlMessage &)> handler)
{
    if (m_socket.state() != QAbstractSocket::ConnectedState) {
        handler(ControlMessage::failure(0, makeError(ErrorCode::NotConnected)));
        return;
    }
    const quint64 id = m_pending.add(std::move(handler));
    m_socket.write(Frame{FrameKind::Control, ControlMessage(type, id, fields).encode()}.encode());
}

// Runs onSuccess(value) or onError(code, message) for a result message.
template <typename F>
static auto resultHandler(RoomClient::ErrorCallback onError, F onSuccess)
{
    return [onError = std::move(onError), onSuccess = std::move(onSuccess)](const ControlMessage &result) {
        if (!result.isOk()) {
            const Error e = result.error();
            if (onError)
                onError(e.code, e.message);
            return;
        }
        onSuccess(result.value());
    };
}

void RoomClient::connectToServer(const QString &host, quint16 port, const QString &userId, const QString &signature,
                                 DoneCallback onSuccess, ErrorCallback onError)
{
    if (m_state != ClientState::Disconnected) {
        if (onError)
            onError(int(ErrorCode::ConnectionFailed), QStringLiteral("already connected"));
        return;
    }
    m_userId = userId;
    m_privileges = {};
    m_signature = signature;
    m_host = host;
    m_port = port;
    m_connectSuccess = std::move(onSuccess);
    m_connectError = std::move(onError);
    m_decoder = FrameDecoder(FrameDecoder::Side::Client);
    // A previous connection may still be closing in the background: drop it now.
    if (m_socket.state() != QAbstractSocket::UnconnectedState)
        m_socket.abort();
    setState(ClientState::Connecting);
    if (m_tls)
        m_socket.connectToHostEncrypted(host, port);
    else
        m_socket.connectToHost(host, port);
}

void RoomClient::setKeepalive(int pingMs, int deadMs)
{
    m_pingMs = qMax(50, pingMs);
    m_deadMs = qMax(m_pingMs * 2, deadMs);
    if (m_pingTimer.isActive())
        m_pingTimer.start(m_pingMs);
}

void RoomClient::setAutoReconnect(bool enabled, const ReconnectPolicy &policy)
{
    m_autoReconnect = enabled;
    m_reconnectPolicy = policy;
    m_backlog.setMaxBytes(policy.backlogBytes);
    if (!enabled)
        m_backlog.clear();
}

void RoomClient::setTls(bool enabled, const QList<QSslCertificate> &extraCaCertificates)
{
    m_tls = enabled;
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setProtocol(QSsl::TlsV1_2OrLater);
    if (!extraCaCertificates.isEmpty())
        config.addCaCertificates(extraCaCertificates);
    m_socket.setSslConfiguration(config);
}

void RoomClient::onConnected()
{
    m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_sinceData.start();
    m_pingTimer.start(m_pingMs);
    auto fail = [this](int code, const QString &message) {
        if (m_state == ClientState::Reconnecting)
            return reconnectStepFailed(code, message);
        ErrorCallback onError = std::exchange(m_connectError, {});
        m_connectSuccess = {};
        m_socket.abort();
        m_pingTimer.stop();
        setState(ClientState::Disconnected);
        if (onError)
            onError(code, message);
    };
    request(QStringLiteral("hello"),
            {{QStringLiteral("version"), protocol::kVersion}, {QStringLiteral("client"), QStringLiteral("roomrec")}},
            resultHandler(fail, [this, fail](const QCborValue &) {
                QCborMap fields{{QStringLiteral("userId"), m_userId}};
                if (!m_signature.isEmpty())
                    fields.insert(QStringLiteral("signature"), m_signature);
                request(QStringLiteral("signIn"), fields, resultHandler(fail, [this](const QCborValue &v) {
                            // Names this client does not know (a newer server's) are skipped.
                            const QString names = v.toMap().value(QStringLiteral("privileges")).toString();
                            m_privileges = {};
                            for (const QString &name : names.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                                if (auto known = UserSignature::parsePrivileges(name))
                                    m_privileges |= known.value();
                            }
                            if (m_state == ClientState::Reconnecting)
                                return rejoinAfterReconnect();
                            setState(ClientState::SignedIn);
                            m_connectError = {};
                            if (DoneCallback ok = std::exchange(m_connectSuccess, {}))
                                ok();
                        }));
            }));
}

void RoomClient::disconnectFromServer()
{
    // State first, so the socket's disconnected() is not reported as a lost connection.
    connectionLost(makeError(ErrorCode::NotConnected));
    // Whatever is still buffered goes out and the socket closes in the background: no
    // waiting here, this runs on the GUI thread of the desktop app.
    m_socket.disconnectFromHost();
}

void RoomClient::onSocketError()
{
    if (m_state == ClientState::Connecting && m_connectError) {
        const QString message = m_socket.errorString();
        ErrorCallback onError = std::exchange(m_connectError, {});
        m_connectSuccess = {};
        m_pending.failAll(makeError(ErrorCode::ConnectionFailed, message));
        setState(ClientState::Disconnected);
        onError(int(ErrorCode::ConnectionFailed), errorMessage(int(ErrorCode::ConnectionFailed)) + QStringLiteral(" (") + message + QLatin1Char(')'));
        return;
    }
    if (m_socket.error() != QAbstractSocket::RemoteHostClosedError)
        connectionLost(makeError(ErrorCode::ConnectionLost, m_socket.errorString()));
}

void RoomClient::connectionLost(const Error &error)
{
    if (m_state == ClientState::Disconnected)
        return;
    // A user's disconnect, or a first connection that failed, ends it; a connection that was
    // up comes back by itself when auto-reconnect is on.
    if (m_autoReconnect && error.code != int(ErrorCode::NotConnected) && m_state != ClientState::Connecting)
        return scheduleReconnect(error);
    becomeDisconnected(error);
}

void RoomClient::becomeDisconnected(const Error &error)
{
    m_reconnectTimer.stop();
    m_giveUpTimer.stop();
    m_live[0] = m_live[1] = false;
    m_republishing = 0;
    m_backlog.clear();
    m_roomKind.reset();
    m_pingTimer.stop();
    m_room.reset();
    m_members.clear();
    m_memberTracks.clear();
    m_memberMuted.clear();
    m_recordedFrames.ended();
    m_pending.failAll(error);
    setRecordingPhase(RecordingPhase::Idle);
    setState(ClientState::Disconnected);
    if (error.code != int(ErrorCode::NotConnected)) {
        qCWarning(lcClient).noquote() << error.toString();
        emit errorOccurred(error.code, error.message);
    }
}

void RoomClient::onReadyRead()
{
    m_sinceData.restart();
    m_decoder.feed(m_socket.readAll());
    while (true) {
        auto next = m_decoder.next();
        if (!next) {
            // Reported before the abort, whose `disconnected` would otherwise say "closed by server".
            connectionLost(makeError(ErrorCode::MalformedResponse, next.error().message));
            m_socket.abort();
            return;
        }
        if (!next.value())
            return;
        if (next.value()->kind == FrameKind::Forwarded) {
            onForwarded(std::move(next.value()->payload));
            continue;
        }
        if (next.value()->kind != FrameKind::Control)
            continue; // the server forwards media only as kind 3
        auto message = ControlMessage::decode(next.value()->payload);
        if (!message) {
            emit errorOccurred(int(ErrorCode::MalformedResponse), message.error().message);
            continue;
        }
        if (message->type() == QLatin1String("result")) {
            if (!m_pending.resolve(message.value()))
                qCWarning(lcClient) << "result for unknown request" << message->id();
        } else {
            onEvent(message.value());
        }
    }
}

void RoomClient::onEvent(const ControlMessage &event)
{
    const QString &type = event.type();
    if (type == QLatin1String("members")) {
        m_members = stringsOf(event.fields().value(QStringLiteral("members")));
        m_memberTracks.clear();
        const QCborMap tracks = event.fields().value(QStringLiteral("tracks")).toMap();
        for (auto it = tracks.constBegin(); it != tracks.constEnd(); ++it)
            m_memberTracks.insert(it.key().toString(), stringsOf(it.value()));
        m_memberMuted.clear();
        const QCborMap muted = event.fields().value(QStringLiteral("muted")).toMap();
        for (auto it = muted.constBegin(); it != muted.constEnd(); ++it)
            m_memberMuted.insert(it.key().toString(), stringsOf(it.value()));
        emit membersChanged(m_members);
    } else if (type == QLatin1String("keyFrameRequest")) {
        const int track = int(event.fields().value(QStringLiteral("track")).toInteger());
        if (track >= 0 && track < 2)
            requestKeyFrame(track);
    } else if (type == QLatin1String("recordingEnded")) {
        const QCborMap &f = event.fields();
        if (const QString member = f.value(QStringLiteral("userId")).toString(); !member.isEmpty() && member != m_userId) {
            emit memberRecordingEnded(member, stringsOf(f.value(QStringLiteral("fileIds"))), f.value(QStringLiteral("reason")).toString(),
                                      int(f.value(QStringLiteral("code")).toInteger()), f.value(QStringLiteral("message")).toString());
            return;
        }
        m_recordedFrames.ended();
        setRecordingPhase(RecordingPhase::Idle);
        emit recordingEnded(stringsOf(f.value(QStringLiteral("fileIds"))), f.value(QStringLiteral("reason")).toString(),
                            int(f.value(QStringLiteral("code")).toInteger()), f.value(QStringLiteral("message")).toString());
    } else if (type == QLatin1String("trackPublished")) {
        if (auto track = RemoteTrack::fromCbor(event.fields()))
            emit remoteTrackPublished(track.value());
    } else if (type == QLatin1String("mediaDropped")) {
        const QCborMap &f = event.fields();
        if (const auto track = trackFromName(f.value(QStringLiteral("track")).toString()))
            emit mediaDropped(f.value(QStringLiteral("userId")).toString(), *track, f.value(QStringLiteral("dropped")).toInteger());
    } else if (type == QLatin1String("error")) {
        emit errorOccurred(int(event.fields().value(QStringLiteral("code")).toInteger()),
                           event.fields().value(QStringLiteral("message")).toString());
    }
}

void RoomClient::createRoom(const RoomInfo &room, RoomKind kind, ValueCallback<QStringList> onSuccess, ErrorCallback onError)
{
    QCborMap fields = roomFields(room);
    fields.insert(QStringLiteral("kind"), roomKindName(kind));
    request(QStringLiteral("createRoom"), fields, resultHandler(onError, [this, room, onSuccess](const QCborValue &v) {
                enteredRoom(room, v.toMap());
                if (onSuccess)
                    onSuccess(m_members);
            }));
}

void RoomClient::joinRoom(const RoomInfo &room, ValueCallback<QStringList> onSuccess, ErrorCallback onError)
{
    joinRoom(room, kMaxRedirects, std::move(onSuccess), std::move(onError));
}

void RoomClient::joinRoom(const RoomInfo &room, int redirectsLeft, ValueCallback<QStringList> onSuccess, ErrorCallback onError)
{
    auto joined = resultHandler(onError, [this, room, onSuccess](const QCborValue &v) {
        enteredRoom(room, v.toMap());
        if (onSuccess)
            onSuccess(m_members);
    });
    request(QStringLiteral("joinRoom"), roomFields(room),
            [this, room, redirectsLeft, onSuccess, onError, joined = std::move(joined)](const ControlMessage &result) {
                const auto address = HostPort::parse(result.fields().value(QStringLiteral("address")).toString(), 0);
                if (result.isOk() || result.error().code != int(ErrorCode::RoomOnOtherNode) || redirectsLeft <= 0 || !address
                    || address->port == 0)
                    return joined(result);
                // Another server of the cluster hosts the room: connect there as the same user
                // and join (after this reply has been handled, not inside the socket's read).
                qCInfo(lcClient).noquote() << "room" << room.toString() << "is on" << address->toString() << "- following";
                QMetaObject::invokeMethod(this, [this, room, redirectsLeft, onSuccess, onError, to = address.value()] {
                    emit redirected(to.host, to.port);
                    disconnectFromServer();
                    connectToServer(
                        to.host, to.port, m_userId, m_signature,
                        [this, room, redirectsLeft, onSuccess, onError] { joinRoom(room, redirectsLeft - 1, onSuccess, onError); },
                        onError);
                }, Qt::QueuedConnection);
            });
}

void RoomClient::enteredRoom(const RoomInfo &room, const QCborMap &reply)
{
    if (!m_room || !(*m_room == room))
        forgetPublished(); // the server unpublishes everything when the room changes
    m_room = room;
    m_roomKind = reply.value(QStringLiteral("kind")).toString() == roomKindName(RoomKind::OneOnOne) ? RoomKind::OneOnOne
                                                                                                   : RoomKind::MultiParty;
    m_members = stringsOf(reply.value(QStringLiteral("members")));
    // Back in the room after a reconnect: InRoom once the streams are published again too.
    if (m_state != ClientState::Reconnecting)
        setState(ClientState::InRoom);
    else
        emit membersChanged(m_members);
}

void RoomClient::createOrJoinRoom(const RoomInfo &room, RoomKind kind, ValueCallback<QStringList> onSuccess,
                                  ErrorCallback onError)
{
    createRoom(room, kind, onSuccess, [this, room, onSuccess, onError](int code, const QString &message) {
        if (code == int(ErrorCode::RoomAlreadyExists))
            joinRoom(room, onSuccess, onError);
        else if (onError)
            onError(code, message);
    });
}

void RoomClient::leaveRoom(DoneCallback onSuccess, ErrorCallback onError)
{
    request(QStringLiteral("leaveRoom"), {}, resultHandler(onError, [this, onSuccess](const QCborValue &) {
                m_room.reset();
                m_roomKind.reset();
                m_members.clear();
                m_memberTracks.clear();
                m_memberMuted.clear();
                forgetPublished();
                setState(ClientState::SignedIn);
                if (onSuccess)
                    onSuccess();
            }));
}

void RoomClient::forgetPublished()
{
    for (int track = 0; track < 2; ++track)
        forgetPublished(track);
}

void RoomClient::forgetPublished(int track)
{
    for (const auto &c : m_pipelineConnections[track])
        disconnect(c);
    m_pipelineConnections[track].clear();
    m_publishers[track] = nullptr;
    m_requestKeyFrame[track] = {};
    m_publishFields[track] = {};
    m_live[track] = false;
}

void RoomClient::requestKeyFrame(int track)
{
    if (m_publishers[track] && m_requestKeyFrame[track])
        m_requestKeyFrame[track]();
}

void RoomClient::publish(PublishPipeline *pipeline, DoneCallback onSuccess, ErrorCallback onError)
{
    QCborMap fields{{QStringLiteral("video"), pipeline->videoParams().toCbor()}};
    if (auto audio = pipeline->audioParams())
        fields.insert(QStringLiteral("audio"), audio->toCbor());
    QPointer<PublishPipeline> guarded(pipeline);
    publishTrack(int(pipeline->videoTrack()), pipeline, fields,
                 [this, guarded] { return connect(guarded, &PublishPipeline::packetReady, this, &RoomClient::sendPacket); },
                 [guarded] {
                     if (guarded)
                         guarded->requestKeyFrame();
                 },
                 std::move(onSuccess), std::move(onError));
}

void RoomClient::publish(StreamWorker *worker, const VideoParams &video, const std::optional<AudioParams> &audio,
                         DoneCallback onSuccess, ErrorCallback onError)
{
    QCborMap fields{{QStringLiteral("video"), video.toCbor()}};
    if (audio)
        fields.insert(QStringLiteral("audio"), audio->toCbor());
    QPointer<StreamWorker> guarded(worker);
    publishTrack(int(worker->track()), worker, fields,
                 [this, guarded] { return connect(guarded, &StreamWorker::packetReady, this, &RoomClient::sendPacket); },
                 [guarded] {
                     if (guarded)
                         guarded->requestKeyFrame();
                 },
                 std::move(onSuccess), std::move(onError));
}

void RoomClient::publishTrack(int track, QObject *source, const QCborMap &announced,
                              std::function<QMetaObject::Connection()> connectPackets, std::function<void()> keyFrame,
                              DoneCallback onSuccess, ErrorCallback onError)
{
    // Re-publishing a track with a new pipeline (new encoder settings) is fine; the same one twice is a mistake.
    if (m_publishers[track] == source) {
        if (onError)
            onError(int(ErrorCode::StreamAlreadyPublished), errorMessage(int(ErrorCode::StreamAlreadyPublished)));
        return;
    }
    QCborMap fields = announced;
    fields.insert(QStringLiteral("track"), track);
    if (m_clockEpochUs)
        fields.insert(QStringLiteral("clockEpochUs"), *m_clockEpochUs);
    QPointer<QObject> guarded(source);
    request(QStringLiteral("publish"), fields,
            resultHandler(onError, [this, guarded, track, connectPackets, keyFrame, onSuccess, fields](const QCborValue &) {
                if (!guarded)
                    return;
                forgetPublished(track);
                m_publishers[track] = guarded;
                m_publishFields[track] = fields;
                m_live[track] = true;
                m_requestKeyFrame[track] = keyFrame;
                m_pipelineConnections[track] = {connectPackets()};
                keyFrame(); // whoever records starts without waiting a GOP
                if (onSuccess)
                    onSuccess();
            }));
}

void RoomClient::unpublish(Track track, DoneCallback onSuccess, ErrorCallback onError)
{
    const int index = int(track);
    forgetPublished(index);
    request(QStringLiteral("unpublish"), {{QStringLiteral("track"), index}},
            resultHandler(onError, [onSuccess](const QCborValue &) {
                if (onSuccess)
                    onSuccess();
            }));
}

void RoomClient::setMuted(Track track, bool muted, DoneCallback onSuccess, ErrorCallback onError)
{
    request(QStringLiteral("setMuted"), {{QStringLiteral("track"), trackName(track)}, {QStringLiteral("muted"), muted}},
            resultHandler(onError, [onSuccess](const QCborValue &) {
                if (onSuccess)
                    onSuccess();
            }));
}

bool RoomClient::isLive(const MediaPacket &packet) const
{
    // Audio travels with the camera.
    return m_live[packet.isVideo() ? int(packet.track) : int(Track::CameraVideo)]
           && m_socket.state() == QAbstractSocket::ConnectedState;
}

void RoomClient::sendPacket(const MediaPacket &packet)
{
    const bool live = isLive(packet);
    if (!live && !(m_autoReconnect && m_state == ClientState::Reconnecting))
        return;
    if (live && packet.isVideo()) {
        bool &waiting = m_waitingForKeyAfterDrop[int(packet.track)];
        // What a reconnect resent is not live latency: only newer bytes count toward the limit.
        if (m_socket.bytesToWrite() - m_resentUnwritten > kMaxSendBacklog || (waiting && !packet.key)) {
            if (!waiting)
                requestKeyFrame(int(packet.track));
            waiting = true;
            ++m_backlogDrops;
            return;
        }
        waiting = false;
    }
    // Counted when taken, sent now or from the backlog after a reconnect.
    if (packet.isVideo() && packet.track == m_recordedTrack) {
        m_recordedFrames.onVideoFrame(packet.key);
    }
    if (m_autoReconnect) {
        m_backlog.append(packet);
        if (m_state != ClientState::Reconnecting)
            m_backlog.dropBefore(packet.dtsUs - kInFlightWindowUs);
    }
    if (!live)
        return; // waits in the backlog for the reconnect
    m_socket.write(packet.frameHeader());
    m_socket.write(packet.data);
}

void RoomClient::startRecording(const RoomInfo &room, const RecordParam &param, DoneCallback onSuccess,
                                ErrorCallback onError)
{
    startOwnRecording(room, param, {}, std::move(onSuccess), std::move(onError));
}

void RoomClient::startOwnRecording(const RoomInfo &room, const RecordParam &param, const QString &userId,
                                   DoneCallback onSuccess, ErrorCallback onError)
{
    // As in the SDK: refuse a second start on this client before any packet is sent.
    if (isRecording()) {
        if (onError)
            onError(int(ErrorCode::RecordingAlreadyRunningLocally), errorMessage(int(ErrorCode::RecordingAlreadyRunningLocally)));
        return;
    }
    auto fields = startFields(room, param, userId);
    if (!fields) {
        if (onError)
            onError(fields.error().code, fields.error().message);
        return;
    }
    setRecordingPhase(RecordingPhase::Starting);
    m_recordedTrack = param.recordDataType == RecordParam::SubStream ? Track::SubStreamVideo : Track::CameraVideo;
    m_recordedFrames.startRequested(); // the server records from the first key frame after this request
    request(QStringLiteral("startRecording"), fields.value(),
            resultHandler(
                [this, onError](int code, const QString &message) {
                    m_recordedFrames.ended();
                    setRecordingPhase(RecordingPhase::Idle);
                    if (onError)
                        onError(code, message);
                },
                [this, onSuccess](const QCborValue &) {
                    if (m_recording == RecordingPhase::Starting)
                        setRecordingPhase(RecordingPhase::Recording);
                    if (onSuccess)
                        onSuccess();
                }));
}

void RoomClient::stopRecording(const RoomInfo &room, ValueCallback<QStringList> onSuccess, ErrorCallback onError)
{
    stopOwnRecording(room, {}, std::move(onSuccess), std::move(onError));
}

void RoomClient::stopOwnRecording(const RoomInfo &room, const QString &userId, ValueCallback<QStringList> onSuccess,
                                  ErrorCallback onError)
{
    const RecordingPhase before = m_recording;
    m_recordedFrames.stopRequested(); // nothing sent after the stop request is recorded, if it succeeds
    if (before != RecordingPhase::Idle)
        setRecordingPhase(RecordingPhase::Stopping);
    request(QStringLiteral("stopRecording"), recordingFields(room, userId),
            resultHandler(
                [this, before, onError](int code, const QString &message) {
                    if (code == int(ErrorCode::NotRecording))
                        m_recordedFrames.ended();
                    else
                        m_recordedFrames.stopRefused(); // still recording: what went out meanwhile was recorded
                    if (m_recording == RecordingPhase::Stopping)
                        setRecordingPhase(code == int(ErrorCode::NotRecording) ? RecordingPhase::Idle : before);
                    if (onError)
                        onError(code, message);
                },
                [this, onSuccess, onError](const QCborValue &v) {
                    m_recordedFrames.ended();
                    setRecordingPhase(RecordingPhase::Idle);
                    deliverFileIds(v, onSuccess, onError);
                }));
}

Result<QCborMap> RoomClient::startFields(const RoomInfo &room, const RecordParam &param, const QString &userId)
{
    if (Status valid = param.validate(); !valid)
        return valid.error();
    QCborMap fields = recordingFields(room, userId);
    fields.insert(QStringLiteral("param"), param.toCbor());
    return fields;
}

QCborMap RoomClient::recordingFields(const RoomInfo &room, const QString &userId)
{
    QCborMap fields = roomFields(room);
    if (!userId.isEmpty())
        fields.insert(QStringLiteral("userId"), userId);
    return fields;
}

void RoomClient::deliverFileIds(const QCborValue &reply, const ValueCallback<QStringList> &onSuccess, const ErrorCallback &onError)
{
    // The file IDs are the whole point of a stop: without them the answer is unusable.
    if (!reply.toMap().value(QStringLiteral("fileIds")).isArray()) {
        if (onError)
            onError(int(ErrorCode::UnexpectedResponse), errorMessage(int(ErrorCode::UnexpectedResponse)) + QStringLiteral(" (no fileIds)"));
        return;
    }
    if (onSuccess)
        onSuccess(stringsOf(reply.toMap().value(QStringLiteral("fileIds"))));
}

void RoomClient::startRecordingOf(const QString &userId, const RoomInfo &room, const RecordParam &param,
                                  DoneCallback onSuccess, ErrorCallback onError)
{
    // Our own: counted and tracked as our recording; a named own ID is sent as given.
    if (userId.isEmpty() || userId == m_userId)
        return startOwnRecording(room, param, userId, std::move(onSuccess), std::move(onError));
    auto fields = startFields(room, param, userId); // the member's
    if (!fields) {
        if (onError)
            onError(fields.error().code, fields.error().message);
        return;
    }
    request(QStringLiteral("startRecording"), fields.value(), resultHandler(onError, [onSuccess](const QCborValue &) {
                if (onSuccess)
                    onSuccess();
            }));
}

void RoomClient::stopRecordingOf(const QString &userId, const RoomInfo &room, ValueCallback<QStringList> onSuccess,
                                 ErrorCallback onError)
{
    if (userId.isEmpty() || userId == m_userId)
        return stopOwnRecording(room, userId, std::move(onSuccess), std::move(onError));
    request(QStringLiteral("stopRecording"), recordingFields(room, userId), resultHandler(onError, [onSuccess, onError](const QCborValue &v) {
                deliverFileIds(v, onSuccess, onError);
            }));
}

void RoomClient::queryRecordingResult(const RoomInfo &room, ValueCallback<RecordingResult> onSuccess, ErrorCallback onError)
{
    queryRecordingResultOf({}, room, std::move(onSuccess), std::move(onError));
}

void RoomClient::queryRecordingResultOf(const QString &userId, const RoomInfo &room, ValueCallback<RecordingResult> onSuccess,
                                        ErrorCallback onError)
{
    request(QStringLiteral("recordingResult"), recordingFields(room, userId), resultHandler(onError, [onSuccess](const QCborValue &v) {
                const QCborMap m = v.toMap();
                RecordingResult r;
                r.stillRecording = m.value(QStringLiteral("recording")).toBool();
                r.fileIds = stringsOf(m.value(QStringLiteral("fileIds")));
                r.reason = m.value(QStringLiteral("reason")).toString();
                r.errorCode = int(m.value(QStringLiteral("code")).toInteger());
                r.errorMessage = m.value(QStringLiteral("message")).toString();
                if (onSuccess)
                    onSuccess(r);
            }));
}

void RoomClient::fileInfo(quint64 fileId, ValueCallback<FileRecord> onSuccess, ErrorCallback onError)
{
    request(QStringLiteral("fileInfo"), {{QStringLiteral("fileId"), QString::number(fileId)}},
            resultHandler(onError, [onSuccess, onError](const QCborValue &v) {
                const FileRecord record = FileRecord::fromCbor(v.toMap());
                if (record.id == 0) {
                    if (onError)
                        onError(int(ErrorCode::UnexpectedResponse), errorMessage(int(ErrorCode::UnexpectedResponse)) + QStringLiteral(" (no file record)"));
                    return;
                }
                if (onSuccess)
                    onSuccess(record);
            }));
}

void RoomClient::listFiles(const FileFilter &filter, ValueCallback<QList<FileRecord>> onSuccess, ErrorCallback onError)
{
    QCborMap fields{{QStringLiteral("limit"), filter.limit}};
    if (!filter.name.isEmpty())
        fields.insert(QStringLiteral("name"), filter.name);
    if (!filter.tag.isEmpty())
        fields.insert(QStringLiteral("tag"), filter.tag);
    if (!filter.userId.isEmpty())
        fields.insert(QStringLiteral("userId"), filter.userId);
    if (filter.classId)
        fields.insert(QStringLiteral("classId"), qint64(*filter.classId));
    request(QStringLiteral("listFiles"), fields, resultHandler(onError, [onSuccess, onError](const QCborValue &v) {
                if (!v.toMap().value(QStringLiteral("files")).isArray()) {
                    if (onError)
                        onError(int(ErrorCode::UnexpectedResponse), errorMessage(int(ErrorCode::UnexpectedResponse)) + QStringLiteral(" (no files)"));
                    return;
                }
                QList<FileRecord> files;
                for (const QCborValue &f : v.toMap().value(QStringLiteral("files")).toArray())
                    files << FileRecord::fromCbor(f.toMap());
                if (onSuccess)
                    onSuccess(files);
            }));
}

void RoomClient::scheduleReconnect(const Error &why)
{
    if (m_reconnectTimer.isActive())
        return; // an attempt is already due (the abort below comes back here)
    const bool first = m_state != ClientState::Reconnecting;
    m_reconnectWhy = why;
    if (first) {
        m_reconnectingFor.start();
        m_giveUpTimer.start(m_reconnectPolicy.giveUpMs);
        m_reconnectAttempts = 0;
        m_reconnectDelayMs = m_reconnectPolicy.firstDelayMs;
        qCWarning(lcClient).noquote() << "connection lost, reconnecting:" << why.toString();
    } else if (m_reconnectingFor.elapsed() >= m_reconnectPolicy.giveUpMs) {
        return reconnectStepFailed(int(ErrorCode::ConnectionFailed),
                                   QStringLiteral("gave up reconnecting after %1 s: %2").arg(m_reconnectingFor.elapsed() / 1000).arg(why.message));
    }
    // The timer first: what follows (failed requests, the socket's abort) calls back here.
    m_reconnectTimer.start(m_reconnectDelayMs);
    m_reconnectDelayMs = qMin(m_reconnectDelayMs * 2, m_reconnectPolicy.maxDelayMs);
    m_pingTimer.stop();
    m_live[0] = m_live[1] = false;
    m_republishing = 0;
    m_resentUnwritten = 0;
    if (first)
        setState(ClientState::Reconnecting); // before the failures below, so they retry
    m_pending.failAll(why);
    m_socket.abort();
    if (first)
        emit reconnecting(why.code, why.message);
}

void RoomClient::attemptReconnect()
{
    if (m_state != ClientState::Reconnecting)
        return;
    emit reconnectAttempt(++m_reconnectAttempts);
    m_decoder = FrameDecoder(FrameDecoder::Side::Client); // forwarded media is a client's to read
    if (m_socket.state() != QAbstractSocket::UnconnectedState)
        m_socket.abort();
    // onConnected() says hello and signs in, then rejoinAfterReconnect(); a failure comes
    // back through connectionLost() or reconnectStepFailed().
    if (m_tls)
        m_socket.connectToHostEncrypted(m_host, m_port);
    else
        m_socket.connectToHost(m_host, m_port);
}

void RoomClient::reconnectStepFailed(int code, const QString &message)
{
    if (m_state != ClientState::Reconnecting)
        return;
    if (isTransient(code) && m_reconnectingFor.elapsed() < m_reconnectPolicy.giveUpMs)
        return scheduleReconnect(Error{code, message});
    giveUpReconnect(code, message);
}

void RoomClient::giveUpReconnect(int code, const QString &message)
{
    // Past the deadline, or refused for who we are (a signature that expired, a room we may no
    // longer join): give up, and say why.
    qCWarning(lcClient).noquote() << "reconnect failed:" << code << message;
    becomeDisconnected(Error{code, message});
    m_socket.abort();
    emit reconnectFailed(code, message);
}

void RoomClient::rejoinAfterReconnect()
{
    m_connectSuccess = {};
    m_connectError = {};
    if (!m_room)
        return finishReconnect();
    // The room went away with its last member if we were alone: create it again then.
    createOrJoinRoom(*m_room, m_roomKind.value_or(RoomKind::MultiParty),
                     [this](const QStringList &) { republishAfterReconnect(); },
                     [this](int code, const QString &message) { reconnectStepFailed(code, message); });
}

void RoomClient::republishAfterReconnect()
{
    if (m_state != ClientState::Reconnecting)
        return;
    m_recordingResumed = false;
    QList<int> tracks;
    for (int track = 0; track < 2; ++track) {
        if (m_publishers[track] && !m_publishFields[track].isEmpty())
            tracks << track;
    }
    m_republishing = int(tracks.size());
    if (tracks.isEmpty())
        return finishReconnect();
    for (int track : tracks) {
        QCborMap fields = m_publishFields[track];
        fields.insert(QStringLiteral("resume"), true);
        request(QStringLiteral("publish"), fields,
                resultHandler([this](int code, const QString &message) { reconnectStepFailed(code, message); },
                              [this, track](const QCborValue &value) { resumeTrack(track, value); }));
    }
}

void RoomClient::resumeTrack(int track, const QCborValue &reply)
{
    if (m_state != ClientState::Reconnecting)
        return;
    const QCborMap value = reply.toMap();
    if (value.value(QStringLiteral("resumed")).toBool()) {
        // The server has everything up to these decode times: send what came after, from
        // the backlog, then the live packets (docs/protocol.md, "Reconnecting").
        PacketBacklog::ResendFrom from;
        from[track] = value.value(QStringLiteral("videoDtsUs")).toInteger(-1);
        if (track == int(Track::CameraVideo))
            from[int(Track::CameraAudio)] = value.value(QStringLiteral("audioDtsUs")).toInteger(-1);
        const QList<MediaPacket> packets = m_backlog.since(from);
        for (const MediaPacket &packet : packets) {
            m_socket.write(packet.frameHeader());
            m_socket.write(packet.data);
            m_resentUnwritten += MediaPacket::kHeaderBytes + 5 + packet.data.size();
        }
        m_packetsResent += packets.size();
        qCInfo(lcClient) << "track" << track << "resumed: resent" << packets.size() << "packets after" << *from[track];
        if (Track(track) == m_recordedTrack)
            m_recordingResumed = true;
    } else {
        requestKeyFrame(track); // nobody has this stream's past: start it afresh
    }
    m_live[track] = true;
    if (--m_republishing == 0)
        finishReconnect();
}

void RoomClient::finishReconnect()
{
    m_reconnectTimer.stop();
    m_giveUpTimer.stop();
    ++m_reconnects;
    qCInfo(lcClient) << "reconnected after" << m_reconnectingFor.elapsed() << "ms";
    setState(m_room ? ClientState::InRoom : ClientState::SignedIn);
    emit reconnected(m_recordingResumed);
    checkRecordingAfterReconnect();
}

void RoomClient::checkRecordingAfterReconnect()
{
    if (m_recording == RecordingPhase::Idle || !m_room || m_recordingResumed)
        return;
    // Our recording did not go on: it ended while we were away (its end event went to the
    // dead connection). Ask how it ended, and say so.
    queryRecordingResult(*m_room, [this](const RecordingResult &result) {
        if (result.stillRecording || m_recording == RecordingPhase::Idle)
            return;
        m_recordedFrames.ended();
        setRecordingPhase(RecordingPhase::Idle);
        emit recordingEnded(result.fileIds, result.reason, result.errorCode, result.errorMessage);
    }, {});
}

void RoomClient::onForwarded(QByteArray &&payload)
{
    auto media = ForwardedMedia::decode(std::move(payload));
    if (!media) {
        emit errorOccurred(int(ErrorCode::MalformedResponse), media.error().message);
        return;
    }
    emit memberPacketReceived(media->userId, media->packet);
}

static QCborMap subscriptionFields(const QString &userId, std::optional<Track> track)
{
    QCborMap fields{{QStringLiteral("userId"), userId}};
    if (track)
        fields.insert(QStringLiteral("track"), trackName(*track));
    return fields;
}

void RoomClient::subscribe(const QString &userId, std::optional<Track> track, ValueCallback<QList<RemoteTrack>> onSuccess,
                           ErrorCallback onError)
{
    request(QStringLiteral("subscribe"), subscriptionFields(userId, track),
            resultHandler(onError, [onSuccess, onError](const QCborValue &v) {
                QList<RemoteTrack> tracks;
                for (const QCborValue &item : v.toMap().value(QStringLiteral("tracks")).toArray()) {
                    auto parsed = RemoteTrack::fromCbor(item.toMap());
                    if (!parsed) {
                        if (onError)
                            onError(parsed.error().code, parsed.error().message);
                        return;
                    }
                    tracks << parsed.value();
                }
                if (onSuccess)
                    onSuccess(tracks);
            }));
}

void RoomClient::unsubscribe(const QString &userId, std::optional<Track> track, DoneCallback onSuccess, ErrorCallback onError)
{
    request(QStringLiteral("unsubscribe"), subscriptionFields(userId, track),
            resultHandler(onError, [onSuccess](const QCborValue &) {
                if (onSuccess)
                    onSuccess();
            }));
}

} // namespace roomrec
