#include "client/roomsession.h"

#include "media/echocanceller.h"
#include "protocol/errorcode.h"

namespace roomrec {

RoomSession::RoomSession(QObject *parent) : QObject(parent)
{
    for (Track track : {Track::CameraVideo, Track::SubStreamVideo}) {
        auto stream = std::make_unique<LocalStream>(m_client, m_clock, track);
        connect(stream.get(), &LocalStream::publishedChanged, this, &RoomSession::updateOwnPublishing);
        connect(stream.get(), &LocalStream::errorOccurred, this, &RoomSession::errorOccurred);
        m_streams[int(track)] = std::move(stream);
    }
    // Your own tile shows the camera preview (what you see of yourself, published or not).
    connect(m_streams[0].get(), &LocalStream::previewReady, this, [this](const QImage &image) {
        if (m_cameraOn) // (a picture captured just before the camera went off is dropped)
            m_members.setLatestFrame(m_client.userId(), image);
    });
    connect(m_streams[0].get(), &LocalStream::stopped, this, [this] { m_members.setLatestFrame(m_client.userId(), QImage()); });
    connect(&m_subscriptions, &MemberSubscriptions::errorOccurred, this, &RoomSession::errorOccurred);
    m_subscriptions.setEchoReference(m_echoReference);
    connect(&m_headphonesCheck, &QTimer::timeout, this, &RoomSession::updateHeadphonesAdvice);
    connect(m_streams[0].get(), &LocalStream::encodingChanged, this, &RoomSession::updateHeadphonesAdvice);
    setEchoCancellation(EchoCanceller::isAvailable());
    m_client.setAutoReconnect(true);
    connect(&m_client, &RoomClient::stateChanged, this, [this](ClientState state) {
        // The server forgets our subscriptions with the room or the connection; back in the
        // room (joined, or after a reconnect), every member is subscribed again.
        if (state == ClientState::Disconnected || state == ClientState::SignedIn || state == ClientState::Reconnecting)
            m_subscriptions.reset();
        if (state == ClientState::Disconnected || state == ClientState::SignedIn) {
            m_members.clear();
            // Out of the room: what we recorded of others is no longer ours to show (the
            // server goes on until it ends them, as for a backend's recording).
            for (const QString &id : m_memberRecordings.keys())
                setMemberRecorded(id, std::nullopt);
        }
        if (state == ClientState::InRoom) {
            m_subscriptions.sync();
            // A new room (or a new connection) knows nothing of our buttons yet.
            if (!m_micOn)
                tellRoomMuted(Track::CameraAudio);
            if (!m_cameraOn)
                tellRoomMuted(Track::CameraVideo);
        }
        emit stateChanged(state);
    });
    connect(&m_client, &RoomClient::membersChanged, this, [this](const QStringList &ids) {
        m_members.setMembers(ids, m_client.userId());
        updateOwnPublishing();
        m_subscriptions.sync();
    });
    connect(&m_client, &RoomClient::recordingStateChanged, this, &RoomSession::recordingChanged);
    connect(&m_client, &RoomClient::recordingEnded, this, &RoomSession::recordingEndedByServer);
    connect(&m_client, &RoomClient::memberRecordingEnded, this,
            [this](const QString &userId, const QStringList &ids, const QString &reason, int code, const QString &message) {
                setMemberRecorded(userId, std::nullopt);
                emit memberRecordingEnded(userId, ids, reason, code, message);
            });
    connect(&m_client, &RoomClient::errorOccurred, this, &RoomSession::errorOccurred);
    connect(&m_client, &RoomClient::reconnecting, this, [this] { setReconnectState(ReconnectState::Reconnecting); });
    connect(&m_client, &RoomClient::reconnected, this, [this](bool recordingResumed) {
        m_resumedRecording = recordingResumed;
        setReconnectState(ReconnectState::Reconnected);
    });
    connect(&m_client, &RoomClient::reconnectFailed, this, [this] { setReconnectState(ReconnectState::Failed); });
}

RoomSession::~RoomSession()
{
    // The streams first (they unpublish through the client), then the connection.
    for (auto &stream : m_streams)
        stream.reset();
    m_client.disconnectFromServer();
}

void RoomSession::setEchoCancellation(bool on)
{
    m_echoCancellation = on && EchoCanceller::isAvailable();
    m_streams[0]->setEchoReference(m_echoCancellation ? m_echoReference : nullptr);
    // Without cancellation, watch for remote audio while the microphone is on (a cheap read
    // of two atomics, twice a second; nothing to watch when the echo is cancelled).
    if (m_echoCancellation)
        m_headphonesCheck.stop();
    else
        m_headphonesCheck.start(500);
    updateHeadphonesAdvice();
}

void RoomSession::updateHeadphonesAdvice()
{
    const LocalStream &camera = *m_streams[0];
    const bool microphoneOn = m_micOn && camera.isEncoding() && camera.hasAudio();
    const bool advised = !m_echoCancellation && microphoneOn && m_echoReference->isRemoteAudioPlaying();
    if (std::exchange(m_headphonesAdvised, advised) != advised)
        emit headphonesAdvisedChanged(advised);
}

void RoomSession::setRecordingBusy(bool busy)
{
    if (std::exchange(m_recordingBusy, busy) != busy)
        emit recordingBusyChanged(busy);
}

void RoomSession::setReconnectState(ReconnectState state)
{
    if (std::exchange(m_reconnectState, state) != state)
        emit reconnectStateChanged(state);
}

void RoomSession::updateOwnPublishing()
{
    const QString self = m_client.userId();
    const LocalStream &camera = *m_streams[0];
    m_members.setPublishing(self, Track::CameraVideo, camera.isPublished());
    m_members.setPublishing(self, Track::CameraAudio, camera.isPublished() && camera.hasAudio());
    m_members.setPublishing(self, Track::SubStreamVideo, m_streams[1]->isPublished());
    // As for the other members (MemberSubscriptions): the mic button, or a camera sent
    // without sound.
    m_members.setMicMuted(self, !m_micOn || (camera.isPublished() && !camera.hasAudio()));
    m_members.setCameraOff(self, !m_cameraOn);
}

void RoomSession::setMicOn(bool on)
{
    if (std::exchange(m_micOn, on) == on)
        return;
    m_streams[0]->setSourcesMuted(!m_cameraOn, !m_micOn);
    updateOwnPublishing();
    tellRoomMuted(Track::CameraAudio);
    updateHeadphonesAdvice(); // a muted mic sends no echo
    emit micOnChanged(on);
}

void RoomSession::setCameraOn(bool on)
{
    if (std::exchange(m_cameraOn, on) == on)
        return;
    m_streams[0]->setSourcesMuted(!m_cameraOn, !m_micOn);
    if (!on)
        m_members.setLatestFrame(m_client.userId(), QImage()); // the avatar
    updateOwnPublishing();
    tellRoomMuted(Track::CameraVideo);
    emit cameraOnChanged(on);
}

void RoomSession::tellRoomMuted(Track track)
{
    if (m_client.state() != ClientState::InRoom)
        return; // said once in the room (stateChanged)
    const bool muted = track == Track::CameraAudio ? !m_micOn : !m_cameraOn;
    m_client.setMuted(track, muted, {}, [this](int code, const QString &message) {
        // An older server does not know the message: the others then see no sound or
        // picture arrive, without the flag. Anything else is worth saying.
        if (code != int(ErrorCode::UnknownMessageType) && code != int(ErrorCode::NotInRoom)
            && code != int(ErrorCode::NotConnected))
            emit errorOccurred(code, message);
    });
}

Track RoomSession::recordedTrack(const RecordParam &param) const
{
    return param.recordDataType == RecordParam::SubStream ? Track::SubStreamVideo : Track::CameraVideo;
}

void RoomSession::connectAndJoin(const ServerTarget &target, const RoomInfo &room, RoomKind kind)
{
    if (m_client.state() != ClientState::Disconnected)
        return;
    setReconnectState(ReconnectState::None);
    m_client.setTls(target.tls, target.extraCaCertificates);
    m_client.connectToServer(target.host, target.port, target.userId, target.signature,
                             [this, room, kind] { joinRoom(room, kind); },
                             [this](int code, const QString &message) { emit errorOccurred(code, message); });
}

void RoomSession::joinRoom(const RoomInfo &room, RoomKind kind)
{
    auto fail = [this](int code, const QString &message) { emit errorOccurred(code, message); };
    auto join = [this, room, kind, fail] {
        m_client.createOrJoinRoom(room, kind, [this, room](const QStringList &ids) {
            m_members.setMembers(ids, m_client.userId());
            updateOwnPublishing();
            m_subscriptions.sync();
            emit joined(room); // streams the user asked to publish follow the room by themselves
        }, fail);
    };
    if (!m_client.room())
        return join();
    stopAllRecordings([this, join, fail] { m_client.leaveRoom(join, fail); });
}

void RoomSession::leaveRoom()
{
    stopAllRecordings([this] {
        m_client.leaveRoom({}, [this](int code, const QString &message) { emit errorOccurred(code, message); });
    });
}

void RoomSession::disconnectFromServer(std::function<void()> then)
{
    auto finish = [this, then] {
        // Streams stop publishing by themselves when the client leaves; previews go on.
        m_client.disconnectFromServer();
        setReconnectState(ReconnectState::None);
        if (then)
            then();
    };
    if (m_client.state() == ClientState::InRoom)
        stopAllRecordings(finish);
    else
        finish();
}

void RoomSession::stopAllRecordings(std::function<void()> then)
{
    // Our own once (a failed stop is reported, not retried), then the members'.
    if (m_client.isRecording())
        return stopRecording([this, then] { stopMemberRecordings(then); });
    stopMemberRecordings(then);
}

void RoomSession::stopMemberRecordings(std::function<void()> then)
{
    if (m_memberRecordings.isEmpty() || m_client.state() != ClientState::InRoom) {
        if (then)
            then();
        return;
    }
    // stopRecordingOf forgets the member whatever the answer, so this ends.
    stopRecordingOf(m_memberRecordings.constBegin().key(), [this, then] { stopMemberRecordings(then); });
}

void RoomSession::startRecording(const RecordParam &param)
{
    if (!m_client.room() || m_client.state() != ClientState::InRoom) {
        emit errorOccurred(int(ErrorCode::NotInRoom), errorMessage(int(ErrorCode::NotInRoom)));
        return;
    }
    if (Status valid = param.validate(); !valid) {
        emit errorOccurred(valid.error().code, valid.error().message);
        return;
    }
    setRecordingBusy(true);
    auto fail = [this](int code, const QString &message) {
        setRecordingBusy(false);
        emit errorOccurred(code, message);
    };
    // Recording needs the stream on the server: publish it first (its toggle shows it).
    stream(recordedTrack(param)).ensurePublished([this, param, fail] {
        if (!m_client.room()) {
            fail(int(ErrorCode::NotInRoom), errorMessage(int(ErrorCode::NotInRoom)));
            return;
        }
        m_client.startRecording(*m_client.room(), param, [this, param] {
            setRecordingBusy(false);
            emit recordingStarted(param);
        }, fail);
    }, fail);
}

void RoomSession::stopRecording(std::function<void()> then)
{
    if (!m_client.room()) {
        if (then)
            then();
        return;
    }
    setRecordingBusy(true);
    m_client.stopRecording(*m_client.room(), [this, then](const QStringList &ids) {
        setRecordingBusy(false);
        emit recordingStopped(ids);
        if (then)
            then();
    }, [this, then](int code, const QString &message) {
        setRecordingBusy(false);
        emit errorOccurred(code, message);
        if (then)
            then();
    });
}

bool RoomSession::isRecordingOf(const QString &userId) const
{
    if (userId.isEmpty() || userId == m_client.userId())
        return m_client.isRecording();
    return m_memberRecordings.contains(userId);
}

void RoomSession::setMemberRecorded(const QString &userId, const std::optional<RecordParam> &param)
{
    const bool was = m_memberRecordings.contains(userId);
    const bool recorded = param.has_value();
    if (recorded)
        m_memberRecordings.insert(userId, *param);
    else
        m_memberRecordings.remove(userId);
    m_recordTargets.setRecorded(userId, recorded);
    if (was != recorded)
        emit memberRecordingChanged(userId, recorded);
}

void RoomSession::startRecordingOf(const QString &userId, const RecordParam &param)
{
    if (userId.isEmpty() || userId == m_client.userId())
        return startRecording(param);
    if (!m_client.room() || m_client.state() != ClientState::InRoom) {
        emit errorOccurred(int(ErrorCode::NotInRoom), errorMessage(int(ErrorCode::NotInRoom)));
        return;
    }
    if (m_memberRecordings.contains(userId)) {
        emit errorOccurred(int(ErrorCode::RecordingAlreadyRunningLocally), errorMessage(int(ErrorCode::RecordingAlreadyRunningLocally)));
        return;
    }
    setRecordingBusy(true);
    m_client.startRecordingOf(userId, *m_client.room(), param, [this, userId, param] {
        setRecordingBusy(false);
        setMemberRecorded(userId, param);
        emit memberRecordingStarted(userId, param);
    }, [this](int code, const QString &message) {
        setRecordingBusy(false);
        emit errorOccurred(code, message);
    });
}

void RoomSession::stopRecordingOf(const QString &userId, std::function<void()> then)
{
    if (userId.isEmpty() || userId == m_client.userId())
        return stopRecording(std::move(then));
    if (!m_client.room()) {
        setMemberRecorded(userId, std::nullopt);
        if (then)
            then();
        return;
    }
    setRecordingBusy(true);
    m_client.stopRecordingOf(userId, *m_client.room(), [this, userId, then](const QStringList &ids) {
        setRecordingBusy(false);
        setMemberRecorded(userId, std::nullopt);
        emit memberRecordingStopped(userId, ids);
        if (then)
            then();
    }, [this, userId, then](int code, const QString &message) {
        setRecordingBusy(false);
        // Not ours to stop any more (it ended meanwhile, or is no longer ours): forgotten.
        setMemberRecorded(userId, std::nullopt);
        emit errorOccurred(code, message);
        if (then)
            then();
    });
}

void RoomSession::fetchFileInfo(const QStringList &fileIds)
{
    for (const QString &id : fileIds)
        m_client.fileInfo(id.toULongLong(), [this](const FileRecord &r) { emit fileInfoReady(r); }, {});
}

void RoomSession::listFiles(const FileFilter &filter)
{
    m_client.listFiles(filter, [this](const QList<FileRecord> &files) { emit filesListed(files); },
                       [this](int code, const QString &message) { emit errorOccurred(code, message); });
}

} // namespace roomrec
