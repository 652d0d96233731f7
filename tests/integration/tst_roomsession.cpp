// RoomSession, the room session the desktop app's window observes, without a window: the
// connection, the room and its members, privacy by default, a recording with its file IDs,
// and a lost connection that comes back (through a real TCP proxy that cuts it) without a
// hole in the recording: one file, every frame the client took, on a constant-rate grid.
#include "frameprobe.h"
#include "mp4inspector.h"
#include "syncclient.h"
#include "testproxy.h"
#include "catalogprobe.h"
#include "testserver.h"

#include "client/roomsession.h"
#include "protocol/errorcode.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

namespace {
constexpr int kFps = 30;
const RoomInfo kRoom{1, 1};

PublishedStream::Options testPattern()
{
    PublishedStream::Options options;
    options.video = QStringLiteral("testpattern");
    options.audio = QStringLiteral("testtone");
    options.encoder.size = QSize(320, 180);
    options.encoder.frameRate = kFps;
    options.encoder.gopFrames = kFps;
    return options;
}

ServerTarget target(quint16 port, const QString &user)
{
    ServerTarget t;
    t.port = port;
    t.userId = user;
    return t;
}

// Fast retries: the test waits for conditions, the policy only makes them come sooner.
ReconnectPolicy quickRetries()
{
    ReconnectPolicy policy;
    policy.firstDelayMs = 50;
    policy.maxDelayMs = 200;
    return policy;
}

// Alice's session reaching an in-process server through a TestProxy that can cut it.
struct ProxiedSession {
    QTemporaryDir dir;
    std::unique_ptr<RoomServer> server;
    std::unique_ptr<TestProxy> proxy;
    RoomSession session; // goes first, before the server it talks to

    bool enter(RoomKind kind = RoomKind::MultiParty, const ServerConfig &config = {})
    {
        server = startTestServer(dir.path(), config);
        if (!server)
            return false;
        proxy = std::make_unique<TestProxy>(server->port());
        if (!proxy->listen())
            return false;
        session.client().setAutoReconnect(true, quickRetries());
        session.stream(Track::CameraVideo).setOptions(testPattern());
        session.connectAndJoin(target(proxy->port(), QStringLiteral("alice")), kRoom, kind);
        return QTest::qWaitFor([this] { return session.state() == ClientState::InRoom; }, 15'000);
    }

    // Records the camera until `frames` of the recording have been taken.
    bool record(const QString &name, int frames)
    {
        bool started = false;
        const auto connection = QObject::connect(&session, &RoomSession::recordingStarted, [&started] { started = true; });
        session.startRecording(SyncClient::param(name));
        const bool ok = QTest::qWaitFor([&started] { return started; }, 15'000)
                        && QTest::qWaitFor([this, frames] { return session.client().recordedFramesSent() >= frames; }, 30'000);
        QObject::disconnect(connection);
        return ok;
    }

    // The network fails: every connection through the proxy drops, new ones are refused.
    void cut()
    {
        proxy->setRefusingNew(true);
        proxy->cut();
    }
};
} // namespace

class TestRoomSession : public QObject {
    Q_OBJECT
private slots:
    void joinsAndListsMembers();
    void nothingCapturedUntilAsked();
    void recordsAndReturnsFileIds();
    void reconnectsWithoutAGapInTheRecording();
    void reconnectsWhileTheServerStillHoldsTheOldConnection();
    void recordingThatEndedWhileAwayIsReported();
    void aRefusedReconnectGivesUp();
    void otherMembersAreSubscribedAndDecoded();
    void micAndCameraOffAreToldToTheRoomAndAgainAfterAReconnect();
};

void TestRoomSession::joinsAndListsMembers()
{
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    QList<ClientState> states; // before the session, which reports to it until it goes
    RoomSession session;
    connect(&session, &RoomSession::stateChanged, this, [&states](ClientState s) { states << s; });
    session.connectAndJoin(target(server->port(), QStringLiteral("alice")), kRoom, RoomKind::MultiParty);
    QTRY_COMPARE(session.state(), ClientState::InRoom);
    QCOMPARE(states, (QList<ClientState>{ClientState::Connecting, ClientState::SignedIn, ClientState::InRoom}));
    MemberListModel &members = session.members();
    QCOMPARE(members.userIds(), QStringList{QStringLiteral("alice")});
    QVERIFY(members.member(QStringLiteral("alice"))->isSelf);

    // Another member comes and goes; the row of the one who stays keeps its state.
    SyncClient bob;
    QVERIFY(bob.connect(server->port(), QStringLiteral("bob")).ok());
    QVERIFY(bob.joinRoom(kRoom).ok());
    QTRY_COMPARE(members.rowCount(), 2);
    QCOMPARE(members.userIds(), (QStringList{QStringLiteral("alice"), QStringLiteral("bob")}));
    QVERIFY(!members.member(QStringLiteral("bob"))->isSelf);
    QCOMPARE(members.data(members.index(1), MemberListModel::UserIdRole).toString(), QStringLiteral("bob"));
    QVERIFY(bob.leaveRoom().ok());
    QTRY_COMPARE(members.rowCount(), 1);

    // Leaving empties the list; another room is entered after leaving this one.
    session.leaveRoom();
    QTRY_COMPARE(session.state(), ClientState::SignedIn);
    QCOMPARE(members.rowCount(), 0);
    QSignalSpy joined(&session, &RoomSession::joined);
    session.joinRoom(RoomInfo{1, 2}, RoomKind::MultiParty);
    QTRY_COMPARE(joined.count(), 1);
    QCOMPARE(session.room()->roomId, 2u);
    session.disconnectFromServer();
    QCOMPARE(session.state(), ClientState::Disconnected);
    QCOMPARE(session.reconnectState(), RoomSession::ReconnectState::None); // a disconnect asked for is not retried
}

void TestRoomSession::nothingCapturedUntilAsked()
{
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    RoomSession session;
    for (Track track : {Track::CameraVideo, Track::SubStreamVideo})
        session.stream(track).setOptions(testPattern());
    session.connectAndJoin(target(server->port(), QStringLiteral("alice")), kRoom, RoomKind::MultiParty);
    QTRY_COMPARE(session.state(), ClientState::InRoom);
    // In the room, nothing runs: no capture, no encoder, nothing published.
    for (Track track : {Track::CameraVideo, Track::SubStreamVideo}) {
        QVERIFY(session.stream(track).isIdle());
        QVERIFY(!session.client().isPublished(track));
    }
    // Share screen: captured and published now, and the member list says so.
    session.stream(Track::SubStreamVideo).setPublishWanted(true);
    QTRY_VERIFY(session.stream(Track::SubStreamVideo).isPublished());
    QVERIFY(session.client().isPublished(Track::SubStreamVideo));
    QTRY_VERIFY(session.members().member(QStringLiteral("alice"))->publishesSubStream);
    QVERIFY(!session.members().member(QStringLiteral("alice"))->publishesCamera);
    QVERIFY(session.stream(Track::CameraVideo).isIdle());
    // Stop sharing: unpublished and no longer encoded.
    session.stream(Track::SubStreamVideo).setPublishWanted(false);
    QTRY_VERIFY(!session.members().member(QStringLiteral("alice"))->publishesSubStream);
    QTRY_VERIFY(!session.stream(Track::SubStreamVideo).isEncoding());
}

void TestRoomSession::recordsAndReturnsFileIds()
{
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    RoomSession session;
    session.stream(Track::CameraVideo).setOptions(testPattern());
    session.connectAndJoin(target(server->port(), QStringLiteral("alice")), kRoom, RoomKind::MultiParty);
    QTRY_COMPARE(session.state(), ClientState::InRoom);

    // A bad parameter is refused before anything is published.
    QSignalSpy errors(&session, &RoomSession::errorOccurred);
    RecordParam bad = SyncClient::param(QStringLiteral("bad/name"));
    session.startRecording(bad);
    QCOMPARE(errors.count(), 1);
    QCOMPARE(errors.first().at(0).toInt(), int(ErrorCode::InvalidFileName));
    QVERIFY(session.stream(Track::CameraVideo).isIdle());

    QSignalSpy started(&session, &RoomSession::recordingStarted);
    QSignalSpy busy(&session, &RoomSession::recordingBusyChanged);
    session.startRecording(SyncClient::param(QStringLiteral("lesson")));
    QVERIFY(session.isRecordingBusy());
    QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 15'000);
    QVERIFY(session.isRecording());
    QVERIFY(!session.isRecordingBusy());
    QCOMPARE(busy.count(), 2);
    QVERIFY(session.stream(Track::CameraVideo).isPublished()); // Record published the camera
    QTRY_VERIFY(session.members().member(QStringLiteral("alice"))->publishesCamera);
    QVERIFY(session.members().member(QStringLiteral("alice"))->publishesAudio);

    const qint64 target = session.client().recordedFramesSent() + kFps;
    QTRY_VERIFY_WITH_TIMEOUT(session.client().recordedFramesSent() >= target, 30'000);
    QSignalSpy stopped(&session, &RoomSession::recordingStopped);
    session.stopRecording();
    QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 15'000);
    const QStringList ids = stopped.first().at(0).toStringList();
    QCOMPARE(ids.size(), 1);
    QVERIFY(!session.isRecording());

    QList<FileRecord> records;
    connect(&session, &RoomSession::fileInfoReady, this, [&records](const FileRecord &r) { records << r; });
    session.fetchFileInfo(ids);
    QTRY_COMPARE(records.size(), 1);
    const FileRecord record = records.first();
    QCOMPARE(QString::number(record.id), ids.first());
    QCOMPARE(record.name, QStringLiteral("lesson"));
    const Mp4Report mp4 = Mp4Inspector::inspect(record.storagePath);
    QVERIFY2(mp4.opened, qPrintable(mp4.error));
    QCOMPARE(qint64(mp4.videoFramesDecoded), session.client().recordedFramesSent());
}

void TestRoomSession::reconnectsWithoutAGapInTheRecording()
{
    if (!FrameProbe::available())
        QSKIP("ffprobe is not installed (scripts/deps.sh installs ffmpeg)");
    QList<ClientState> states; // before the session, which reports to them until it goes
    QList<RoomSession::ReconnectState> reconnects;
    ProxiedSession alice;
    QVERIFY(alice.enter());
    RoomSession &session = alice.session;
    TestProxy &proxy = *alice.proxy;
    connect(&session, &RoomSession::stateChanged, this, [&states](ClientState s) { states << s; });
    connect(&session, &RoomSession::reconnectStateChanged, this,
            [&reconnects](RoomSession::ReconnectState s) { reconnects << s; });
    QVERIFY(alice.record(QStringLiteral("no-gap"), kFps));
    RoomClient &client = session.client();

    // The network fails mid-recording and stays down for three seconds of media: the client
    // keeps capturing into its backlog and retries (refused) meanwhile.
    alice.cut();
    QTRY_COMPARE(session.state(), ClientState::Reconnecting);
    QVERIFY(session.isRecording()); // still, as far as the user is concerned
    QCOMPARE(session.reconnectState(), RoomSession::ReconnectState::Reconnecting);
    const qint64 atCut = client.recordedFramesSent();
    QTRY_VERIFY_WITH_TIMEOUT(client.recordedFramesSent() >= atCut + 3 * kFps, 30'000);
    QTRY_VERIFY(proxy.connectionsRefused() >= 1);
    QCOMPARE(session.state(), ClientState::Reconnecting);

    // Back: signed in, in the room, published again, the backlog resent; the same recording.
    proxy.setRefusingNew(false);
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ClientState::InRoom, 15'000);
    QCOMPARE(states, (QList<ClientState>{ClientState::Reconnecting, ClientState::InRoom}));
    QCOMPARE(reconnects, (QList<RoomSession::ReconnectState>{RoomSession::ReconnectState::Reconnecting,
                                                              RoomSession::ReconnectState::Reconnected}));
    QVERIFY(session.lastReconnectResumedRecording());
    QVERIFY(session.isRecording());
    QVERIFY(client.packetsResent() > 0);
    QCOMPARE(client.packetsLostFromBacklog(), 0);
    QCOMPARE(session.members().userIds(), QStringList{QStringLiteral("alice")});

    const qint64 afterReconnect = client.recordedFramesSent();
    QTRY_VERIFY_WITH_TIMEOUT(client.recordedFramesSent() >= afterReconnect + kFps, 30'000);
    QSignalSpy stopped(&session, &RoomSession::recordingStopped);
    session.stopRecording();
    QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 15'000);
    const QStringList ids = stopped.first().at(0).toStringList();
    QCOMPARE(ids.size(), 1); // one file: the recording went on, no new segment
    const auto record = catalogOf(*alice.server).file(ids.first().toULongLong());
    QVERIFY(record.ok());

    const qint64 sent = client.recordedFramesSent();
    const QString wrong = FrameProbe::everyFrameOnce(record->storagePath, sent, kFps);
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
    qInfo("%lld frames recorded across the cut, %lld packets resent, %d connections through the proxy",
          static_cast<long long>(sent), static_cast<long long>(client.packetsResent()), proxy.connectionsAccepted());
}

void TestRoomSession::reconnectsWhileTheServerStillHoldsTheOldConnection()
{
    if (!FrameProbe::available())
        QSKIP("ffprobe is not installed (scripts/deps.sh installs ffmpeg)");
    ProxiedSession alice;
    QVERIFY(alice.enter());
    RoomSession &session = alice.session;
    RoomClient &client = session.client();
    client.setKeepalive(100, 500);
    QVERIFY(alice.record(QStringLiteral("half-open"), kFps));

    // Silence without a close: only the client's keepalive notices. The server still holds
    // the old connection (its dead-peer limit is 15 s) when the new one resumes.
    alice.proxy->stall();
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ClientState::Reconnecting, 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ClientState::InRoom, 15'000);
    QVERIFY(session.lastReconnectResumedRecording());
    QCOMPARE(alice.proxy->openConnections(), 2); // the old one is still open on the server
    QCOMPARE(session.members().userIds(), QStringList{QStringLiteral("alice")}); // one row for both

    const qint64 back = client.recordedFramesSent();
    QTRY_VERIFY_WITH_TIMEOUT(client.recordedFramesSent() >= back + kFps, 30'000);
    QSignalSpy stopped(&session, &RoomSession::recordingStopped);
    session.stopRecording();
    QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 15'000);
    const QStringList ids = stopped.first().at(0).toStringList();
    QCOMPARE(ids.size(), 1);
    const QString wrong = FrameProbe::everyFrameOnce(catalogOf(*alice.server).file(ids.first().toULongLong())->storagePath,
                                                     client.recordedFramesSent(), kFps);
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
}

void TestRoomSession::recordingThatEndedWhileAwayIsReported()
{
    ProxiedSession alice;
    ServerConfig config;
    config.idleTimeoutMs = 1500; // short, yet longer than any pause a busy machine puts between frames
    QVERIFY(alice.enter(RoomKind::MultiParty, config));
    RoomSession &session = alice.session;
    QVERIFY(alice.record(QStringLiteral("away"), 10));

    // Away longer than the server's idle timeout: the recording ends there meanwhile.
    QSignalSpy serverEnded(alice.server.get(), &RoomServer::recordingEnded);
    QSignalSpy ended(&session, &RoomSession::recordingEndedByServer);
    alice.cut();
    QTRY_COMPARE_WITH_TIMEOUT(serverEnded.count(), 1, 10'000);
    alice.proxy->setRefusingNew(false);
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ClientState::InRoom, 15'000);
    QVERIFY(!session.lastReconnectResumedRecording());
    QTRY_COMPARE(ended.count(), 1);
    QCOMPARE(ended.first().at(1).toString(), QStringLiteral("idle"));
    QCOMPARE(ended.first().at(0).toStringList().size(), 1);
    QVERIFY(!session.isRecording());
}

void TestRoomSession::aRefusedReconnectGivesUp()
{
    // The connection comes back but the room refuses us (it became a full one-on-one room):
    // not worth retrying, so the session says it failed and ends disconnected.
    ProxiedSession alice;
    QVERIFY(alice.enter(RoomKind::OneOnOne));
    RoomSession &session = alice.session;
    const quint16 port = alice.server->port();
    SyncClient bob;
    QVERIFY(bob.connect(port, QStringLiteral("bob")).ok());
    QVERIFY(bob.joinRoom(kRoom).ok());
    alice.cut();
    QTRY_COMPARE(session.state(), ClientState::Reconnecting);
    SyncClient carol; // takes alice's place while she is away
    QVERIFY(carol.connect(port, QStringLiteral("carol")).ok());
    QTRY_VERIFY(carol.joinRoom(kRoom).ok());
    QSignalSpy errors(&session, &RoomSession::errorOccurred);
    alice.proxy->setRefusingNew(false);
    QTRY_COMPARE_WITH_TIMEOUT(session.reconnectState(), RoomSession::ReconnectState::Failed, 15'000);
    QCOMPARE(session.state(), ClientState::Disconnected);
    QVERIFY(!errors.isEmpty());
    QCOMPARE(errors.last().at(0).toInt(), int(ErrorCode::RoomKindMismatch));
}

void TestRoomSession::otherMembersAreSubscribedAndDecoded()
{
    // Bob publishes a test pattern with a tone; alice's session subscribes to him by itself,
    // decodes him off its thread and shows him in the member list: flags, pictures, level.
    ProxiedSession alice;
    alice.session.subscriptions().setMediaOptions(RemoteMedia::Options{320, {}, true});
    QVERIFY(alice.enter());
    RoomSession &session = alice.session;
    MemberListModel &members = session.members();
    const QString bobId = QStringLiteral("bob");
    SyncClient bob;
    QVERIFY(bob.connect(alice.server->port(), bobId).ok());
    QVERIFY(bob.joinRoom(kRoom).ok());
    QTRY_COMPARE(members.userIds(), (QStringList{QStringLiteral("alice"), bobId}));
    QTRY_COMPARE(session.subscriptions().subscribedMembers(), QStringList{bobId});
    QVERIFY(!members.member(bobId)->publishesCamera);
    QVERIFY(members.member(bobId)->latestFrame.isNull()); // nothing published: an avatar

    QVERIFY(bob.publish(Track::CameraVideo, QSize(320, 180), kFps, kFps).ok());
    QTRY_VERIFY(members.member(bobId)->publishesCamera);
    QVERIFY(members.member(bobId)->publishesAudio);
    QVERIFY(!members.member(bobId)->publishesSubStream);
    QVERIFY(!members.member(bobId)->micMuted);
    QTRY_VERIFY_WITH_TIMEOUT(session.subscriptions().picturesShown(bobId) >= 3, 15'000);
    QCOMPARE(members.member(bobId)->latestFrame.size(), QSize(320, 180));
    const qint64 shown = session.subscriptions().picturesShown(bobId);
    QTRY_VERIFY_WITH_TIMEOUT(session.subscriptions().picturesShown(bobId) >= shown + kFps, 15'000); // and it goes on
    QTRY_VERIFY_WITH_TIMEOUT(members.member(bobId)->audioLevel > 0.f, 15'000);                    // the tone is heard
    QVERIFY(session.subscriptions().media()->picturesDecoded() >= shown);
    QVERIFY(!members.member(QStringLiteral("alice"))->publishesCamera); // alice publishes nothing

    // A lost connection: the server forgets the subscription; back in the room, alice
    // subscribes again and decodes bob again.
    alice.cut();
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ClientState::Reconnecting, 10'000);
    QVERIFY(session.subscriptions().subscribedMembers().isEmpty());
    alice.proxy->setRefusingNew(false);
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ClientState::InRoom, 15'000);
    QTRY_COMPARE(session.subscriptions().subscribedMembers(), QStringList{bobId});
    QTRY_VERIFY_WITH_TIMEOUT(session.subscriptions().picturesShown(bobId) >= 3, 15'000);
    QVERIFY(!members.member(bobId)->latestFrame.isNull());

    // Bob leaves: his row goes, and so do the subscription and the decoders.
    QVERIFY(bob.leaveRoom().ok());
    QTRY_COMPARE(members.userIds(), QStringList{QStringLiteral("alice")});
    QVERIFY(session.subscriptions().subscribedMembers().isEmpty());
    QCOMPARE(session.subscriptions().picturesShown(bobId), 0);

    // He comes back; then alice leaves, which forgets him.
    QVERIFY(bob.joinRoom(kRoom).ok());
    QTRY_COMPARE(session.subscriptions().subscribedMembers(), QStringList{bobId});
    session.leaveRoom();
    QTRY_COMPARE(session.state(), ClientState::SignedIn);
    QVERIFY(session.subscriptions().subscribedMembers().isEmpty());
    QCOMPARE(members.rowCount(), 0);
}

void TestRoomSession::micAndCameraOffAreToldToTheRoomAndAgainAfterAReconnect()
{
    ProxiedSession alice;
    QVERIFY(alice.enter());
    RoomSession &session = alice.session;
    const QString aliceId = QStringLiteral("alice");
    SyncClient bob;
    QVERIFY(bob.connect(alice.server->port(), QStringLiteral("bob")).ok());
    // Outside a room the flag has nowhere to go.
    int code = 0;
    bob.client().setMuted(Track::CameraAudio, true, {}, [&code](int c, const QString &) { code = c; });
    QTRY_COMPARE(code, int(ErrorCode::NotInRoom));
    QVERIFY(bob.joinRoom(kRoom).ok());
    // Only the camera and the microphone can be turned off.
    code = 0;
    bob.client().setMuted(Track::SubStreamVideo, true, {}, [&code](int c, const QString &) { code = c; });
    QTRY_COMPARE(code, int(ErrorCode::WrongFieldType));
    QVERIFY(bob.client().memberMuted().isEmpty());
    QVERIFY(session.isMicOn() && session.isCameraOn());

    // Off, even before anything is published: the room is told, and alice's own row says so.
    QSignalSpy micSpy(&session, &RoomSession::micOnChanged);
    session.setMicOn(false);
    QCOMPARE(micSpy.size(), 1);
    QVERIFY(session.members().member(aliceId)->micMuted);
    QTRY_COMPARE(bob.client().memberMuted().value(aliceId), QStringList{QStringLiteral("audio")});
    session.setCameraOn(false);
    QVERIFY(session.members().member(aliceId)->cameraOff);
    QVERIFY(session.stream(Track::CameraVideo).isVideoMuted());
    QVERIFY(session.stream(Track::CameraVideo).isAudioMuted());
    QTRY_COMPARE(bob.client().memberMuted().value(aliceId), (QStringList{QStringLiteral("camera"), QStringLiteral("audio")}));

    // Published while off: the stream is there (with its audio track), the flags stay.
    session.stream(Track::CameraVideo).setPublishWanted(true);
    QTRY_VERIFY_WITH_TIMEOUT(session.stream(Track::CameraVideo).isPublished(), 15'000);
    QTRY_VERIFY(bob.client().memberTracks().value(aliceId).contains(QStringLiteral("camera")));
    QCOMPARE(bob.client().memberMuted().value(aliceId), (QStringList{QStringLiteral("camera"), QStringLiteral("audio")}));
    QVERIFY(session.members().member(aliceId)->latestFrame.isNull()); // the camera was never opened

    // A lost connection: the server forgets alice (and her flags); her new connection says
    // them again once back in the room.
    alice.cut();
    QTRY_VERIFY_WITH_TIMEOUT(!bob.client().members().contains(aliceId), 10'000);
    QVERIFY(!bob.client().memberMuted().contains(aliceId));
    alice.proxy->setRefusingNew(false);
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ClientState::InRoom, 15'000);
    QTRY_VERIFY_WITH_TIMEOUT(bob.client().members().contains(aliceId), 10'000);
    QTRY_COMPARE(bob.client().memberMuted().value(aliceId), (QStringList{QStringLiteral("camera"), QStringLiteral("audio")}));

    // On again: the flags go, the camera's pictures come back to alice's own row.
    session.setMicOn(true);
    session.setCameraOn(true);
    QTRY_VERIFY(!bob.client().memberMuted().contains(aliceId));
    QVERIFY(!session.members().member(aliceId)->micMuted);
    QVERIFY(!session.members().member(aliceId)->cameraOff);
    QTRY_VERIFY_WITH_TIMEOUT(!session.members().member(aliceId)->latestFrame.isNull(), 15'000);
    QCOMPARE(micSpy.size(), 2);
}

QTEST_MAIN(TestRoomSession)
#include "tst_roomsession.moc"
