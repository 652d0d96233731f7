// Recording another member over the protocol port (docs/protocol.md, "Recording another
// member"): startRecording / stopRecording / recordingResult with `userId`. With `admin`, the
// caller gets what a backend gets over HTTP: the file is the member's (their catalogue) and
// holds the frames that member published; without it, or for someone not in the room, the
// documented coded errors. A real server with a secret, real clients publishing test
// patterns, the files decoded.
#include "catalogprobe.h"
#include "mp4inspector.h"
#include "playercheck.h"
#include "syncclient.h"
#include "testserver.h"

#include "client/roomsession.h"
#include "protocol/errorcode.h"
#include "protocol/usersignature.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

namespace {
const QByteArray kSecret = "member-recording-test-secret-0123456789";
const RoomInfo kRoom{15000, 21};
const RoomInfo kOtherRoom{15000, 22};
} // namespace

class TestMemberRecording : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void recordWhom_data();
    void recordWhom();
    void theStarterHearsOfAnEndItDidNotAskFor();
    void oldRequestsWithoutUserIdUnchanged();
    void sessionTracksAndStopsItsMemberRecordings();
    void theMembersQuotaCountsNotTheCallers();

private:
    std::unique_ptr<SyncClient> signedIn(const QString &user, UserSignature::Privileges privileges);
    SyncClient &client(const QString &user);
    void ensurePublishing(SyncClient &publisher);

    QTemporaryDir m_dir;
    std::unique_ptr<RoomServer> m_server;
    std::unique_ptr<SyncClient> m_alice;   // publishes her camera in kRoom
    std::unique_ptr<SyncClient> m_teacher; // admin, in kRoom, publishes nothing
    std::unique_ptr<SyncClient> m_bob;     // in kRoom, no admin
    std::unique_ptr<SyncClient> m_dave;    // publishes in kOtherRoom
};

std::unique_ptr<SyncClient> TestMemberRecording::signedIn(const QString &user, UserSignature::Privileges privileges)
{
    auto c = std::make_unique<SyncClient>();
    const QByteArray signature = UserSignature::sign(kSecret, user, QDateTime::currentDateTimeUtc().addSecs(3600), privileges);
    if (!c->connect(m_server->port(), user, QString::fromLatin1(signature)).ok())
        return nullptr;
    return c;
}

SyncClient &TestMemberRecording::client(const QString &user)
{
    if (user == QLatin1String("teacher"))
        return *m_teacher;
    if (user == QLatin1String("bob"))
        return *m_bob;
    return *m_alice;
}

void TestMemberRecording::ensurePublishing(SyncClient &publisher)
{
    if (!publisher.client().isPublished(Track::CameraVideo))
        QVERIFY(publisher.publish(Track::CameraVideo, QSize(320, 180), 15, 150).ok()); // long GOPs: few key frames
    // Her stream is on its way (its first key frame went out).
    QTRY_VERIFY_WITH_TIMEOUT(publisher.videoKeyFlags(Track::CameraVideo).contains(true), 10'000);
}

void TestMemberRecording::initTestCase()
{
    ServerConfig config;
    config.secret = kSecret;
    m_server = startTestServer(m_dir.path(), config);
    QVERIFY(m_server);
    m_alice = signedIn(QStringLiteral("alice"), UserSignature::All);
    m_teacher = signedIn(QStringLiteral("teacher"), UserSignature::Everything);
    m_bob = signedIn(QStringLiteral("bob"), UserSignature::All);
    m_dave = signedIn(QStringLiteral("dave"), UserSignature::All);
    QVERIFY(m_alice && m_teacher && m_bob && m_dave);
    QVERIFY(m_alice->createRoom(kRoom).ok());
    QVERIFY(m_teacher->joinRoom(kRoom).ok());
    QVERIFY(m_bob->joinRoom(kRoom).ok());
    QVERIFY(m_dave->createRoom(kOtherRoom).ok());
    QVERIFY(m_dave->publish(Track::CameraVideo, QSize(320, 180), 15, 150).ok());
    // The sign-in told each client what it may do.
    QVERIFY(m_teacher->client().isAdmin());
    QVERIFY(!m_bob->client().isAdmin());
    QVERIFY(m_bob->client().privileges().testFlag(UserSignature::Record));
}

void TestMemberRecording::recordWhom_data()
{
    QTest::addColumn<QString>("caller");
    QTest::addColumn<QString>("target"); // as sent in `userId`
    QTest::addColumn<int>("startCode");  // 0: started
    QTest::addColumn<int>("stopCode");   // 0: stopped with the member's files

    QTest::newRow("own recording, userId named") << "alice" << "alice" << 0 << 0;
    QTest::newRow("another member, admin") << "teacher" << "alice" << 0 << 0;
    QTest::newRow("another member, no admin") << "bob" << "alice" << int(ErrorCode::PrivilegeMissing)
                                              << int(ErrorCode::PrivilegeMissing);
    // dave publishes, but in another room: not the teacher's to record (nor to stop: it is not
    // recording in this room).
    QTest::newRow("user in another room, admin") << "teacher" << "dave" << int(ErrorCode::MemberNotInRoom)
                                                 << int(ErrorCode::NotRecording);
    QTest::newRow("unknown user, admin") << "teacher" << "nobody" << int(ErrorCode::MemberNotInRoom)
                                         << int(ErrorCode::NotRecording);
    QTest::newRow("invalid user ID, admin") << "teacher" << "no/body" << int(ErrorCode::InvalidUserId)
                                            << int(ErrorCode::InvalidUserId);
}

void TestMemberRecording::recordWhom()
{
    QFETCH(QString, caller);
    QFETCH(QString, target);
    QFETCH(int, startCode);
    QFETCH(int, stopCode);
    SyncClient &who = client(caller);
    ensurePublishing(*m_alice);
    const QString name = QStringLiteral("member-%1").arg(QTest::currentDataTag()).replace(QLatin1Char(','), QLatin1Char('-'));
    RecordParam param = SyncClient::param(name);
    param.tags = {QStringLiteral("lesson"), QStringLiteral("member")};
    param.classId = 7;

    // The frames alice had produced before the request: the file starts at a key frame no
    // earlier than the last of these.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::MetaCall);
    const QList<bool> before = m_alice->videoKeyFlags(Track::CameraVideo);
    const qsizetype earliestKey = before.lastIndexOf(true);
    QVERIFY(earliestKey >= 0);

    const Status started = who.startRecordingOf(target, kRoom, param);
    if (startCode) {
        QVERIFY(!started.ok());
        QCOMPARE(started.error().code, startCode);
        QVERIFY(!started.error().message.isEmpty());
        auto stopped = who.stopRecordingOf(target, kRoom);
        QVERIFY(!stopped.ok());
        QCOMPARE(stopped.error().code, stopCode);
        // Nothing was recorded for anyone.
        QVERIFY(!m_server->recordingService()->isRecording(QStringLiteral("alice")));
        QVERIFY(!m_server->recordingService()->isRecording(QStringLiteral("dave")));
        return;
    }
    QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().toString()));
    QVERIFY(m_server->recordingService()->isRecording(QStringLiteral("alice")));
    // The result query names the member too (with admin; the member's own otherwise).
    auto running = who.recordingResultOf(target, kRoom);
    QVERIFY(running.ok());
    QVERIFY(running->stillRecording);
    // A second start for her is refused, whoever asks (one channel per user).
    auto second = m_teacher->startRecordingOf(QStringLiteral("alice"), kRoom, param);
    QVERIFY(!second.ok());
    QCOMPARE(second.error().code, int(ErrorCode::RecordingAlreadyRunning));

    // Let alice send a good number of frames, then stop her capture so what she sent is known.
    const qsizetype atStart = m_alice->videoKeyFlags(Track::CameraVideo).size();
    // 60 frames (4 s): her GOP is long, so the file starts at the key frame the server asks
    // her for, a few frames after the start (more on a busy machine); 30 of them at least.
    QTRY_VERIFY_WITH_TIMEOUT(m_alice->videoKeyFlags(Track::CameraVideo).size() >= atStart + 60, 30'000);
    m_alice->stopPublishing();
    const QList<bool> sent = m_alice->videoKeyFlags(Track::CameraVideo);

    auto ids = who.stopRecordingOf(target, kRoom);
    QVERIFY2(ids.ok(), qPrintable(ids ? QString() : ids.error().toString()));
    QCOMPARE(ids->size(), 1);
    QVERIFY(!m_server->recordingService()->isRecording(QStringLiteral("alice")));
    auto result = who.recordingResultOf(target, kRoom);
    QVERIFY(result.ok());
    QVERIFY(!result->stillRecording);
    QCOMPARE(result->fileIds, ids.value());
    QCOMPARE(result->reason, QStringLiteral("stopped"));

    m_server->waitForFinalizedFiles();
    const quint64 id = ids->first().toULongLong();
    auto file = catalogOf(*m_server).file(id);
    QVERIFY(file.ok());
    // Alice's file, in her catalogue, as over HTTP; with what the caller asked for.
    QCOMPARE(file->userId, QStringLiteral("alice"));
    QCOMPARE(file->name, name);
    QCOMPARE(file->tags, param.tags);
    QCOMPARE(file->classId, 7u);
    QCOMPARE(file->state, FileRecord::State::Complete);
    auto hers = m_alice->fileInfo(id);
    QVERIFY2(hers.ok(), "the member reads her own file");
    FileFilter byName;
    byName.name = name;
    auto listed = m_alice->listFiles(byName);
    QVERIFY(listed.ok());
    QCOMPARE(listed->size(), 1);
    // The admin reads it too; bob (no admin) does not.
    QVERIFY(m_teacher->fileInfo(id).ok());
    auto bobs = m_bob->fileInfo(id);
    QVERIFY(!bobs.ok());
    QCOMPARE(bobs.error().code, int(ErrorCode::NotFileOwner));

    // The frames alice published: a run of what she sent, from a key frame at or after the
    // last one before the request, to her last frame.
    const Mp4Report report = Mp4Inspector::inspect(file->storagePath);
    QVERIFY2(report.opened, qPrintable(report.error));
    QCOMPARE(report.decodeErrors, 0);
    QCOMPARE(report.videoCodec, QStringLiteral("h264"));
    QCOMPARE(report.width, 320);
    QVERIFY(report.audioFramesDecoded > 0);
    QStringList candidates;
    bool matches = false;
    for (qsizetype k = earliestKey; k < sent.size(); ++k) {
        if (!sent.at(k))
            continue;
        const qsizetype suffix = sent.size() - k;
        candidates << QString::number(suffix);
        if (qAbs(report.videoFramesDecoded - suffix) <= 1) // ±1 as tst_authorization
            matches = true;
    }
    QVERIFY2(matches, qPrintable(QStringLiteral("%1 frames in the file; alice's runs from a key frame: %2")
                                     .arg(report.videoFramesDecoded).arg(candidates.join(QLatin1Char(' ')))));
    QVERIFY2(report.videoFramesDecoded >= 30, qPrintable(QStringLiteral("%1 frames in the file").arg(report.videoFramesDecoded)));
    // And ffprobe, a separate process, counts the same.
    const PlayerReport probe = PlayerCheck::check(file->storagePath);
    QVERIFY2(probe.ffprobeErrors.isEmpty(), qPrintable(probe.ffprobeErrors));
    QVERIFY2(probe.ffprobeVideoFrames == report.videoFramesDecoded,
             qPrintable(QStringLiteral("ffprobe %1, decoded %2").arg(probe.ffprobeVideoFrames).arg(report.videoFramesDecoded)));
}

void TestMemberRecording::theStarterHearsOfAnEndItDidNotAskFor()
{
    // The teacher records alice; alice stops it herself: the teacher is told, with her files.
    ensurePublishing(*m_alice);
    QSignalSpy ended(&m_teacher->client(), &RoomClient::memberRecordingEnded);
    QSignalSpy aliceEnded(&m_alice->client(), &RoomClient::recordingEnded);
    QVERIFY(m_teacher->startRecordingOf(QStringLiteral("alice"), kRoom, SyncClient::param(QStringLiteral("stopped-by-her"))).ok());
    QTRY_VERIFY_WITH_TIMEOUT(m_server->recordingService()->isRecording(QStringLiteral("alice")), 5000);
    const qsizetype atStart = m_alice->videoKeyFlags(Track::CameraVideo).size();
    QTRY_VERIFY_WITH_TIMEOUT(m_alice->videoKeyFlags(Track::CameraVideo).size() >= atStart + 15, 30'000);
    auto ids = m_alice->stopRecording(kRoom); // her own stop reaches the recording made of her
    QVERIFY2(ids.ok(), qPrintable(ids ? QString() : ids.error().toString()));
    QTRY_COMPARE_WITH_TIMEOUT(ended.size(), 1, 10'000);
    QCOMPARE(ended.first().at(0).toString(), QStringLiteral("alice"));
    QCOMPARE(ended.first().at(1).toStringList(), ids.value());
    QCOMPARE(ids->size(), 1);
    QCOMPARE(ended.first().at(2).toString(), QStringLiteral("stopped"));
    // Her own stop's reply told her; no event for her on top.
    QCOMPARE(aliceEnded.size(), 0);
    // The teacher's own recording state never moved.
    QVERIFY(!m_teacher->client().isRecording());
}

void TestMemberRecording::oldRequestsWithoutUserIdUnchanged()
{
    // An older client sends no userId: its own recording, as before (alice publishes).
    ensurePublishing(*m_alice);
    QVERIFY(m_alice->startRecording(kRoom, SyncClient::param(QStringLiteral("own-old-style"))).ok());
    QVERIFY(m_alice->recordFrames(15));
    m_alice->stopPublishing();
    const qint64 sent = m_alice->client().recordedFramesSent();
    auto ids = m_alice->stopRecording(kRoom);
    QVERIFY(ids.ok());
    m_server->waitForFinalizedFiles();
    auto file = catalogOf(*m_server).file(ids->first().toULongLong());
    QVERIFY(file.ok());
    QCOMPARE(file->userId, QStringLiteral("alice"));
    const Mp4Report report = Mp4Inspector::inspect(file->storagePath);
    QCOMPARE(report.decodeErrors, 0);
    QVERIFY2(qAbs(report.videoFramesDecoded - sent) <= 1, qPrintable(QStringLiteral("%1 sent, %2 in the file").arg(sent).arg(report.videoFramesDecoded)));
    // bob (no admin) still records nobody but himself: with nothing published, the own rules.
    auto bobs = m_bob->startRecording(kRoom, SyncClient::param(QStringLiteral("bob-nothing")));
    QVERIFY(!bobs.ok());
    QCOMPARE(bobs.error().code, int(ErrorCode::StreamNotPublished));
}

void TestMemberRecording::sessionTracksAndStopsItsMemberRecordings()
{
    // The desktop app's RoomSession, headless: an admin records alice, sees it tracked, and
    // leaving the room stops it (with her files) as it stops its own.
    ensurePublishing(*m_alice);
    RoomSession session;
    ServerTarget target;
    target.port = m_server->port();
    target.userId = QStringLiteral("principal");
    target.signature = QString::fromLatin1(UserSignature::sign(kSecret, target.userId, QDateTime::currentDateTimeUtc().addSecs(3600),
                                                               UserSignature::Everything));
    session.connectAndJoin(target, kRoom, RoomKind::MultiParty);
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ClientState::InRoom, 10'000);
    // What to record: own camera and screen, then alice's camera (dave is in another room).
    QTRY_VERIFY_WITH_TIMEOUT(session.recordTargets().rowOf(RecordTarget{QStringLiteral("alice"), RecordParam::Camera}) == 2, 10'000);
    QCOMPARE(session.recordTargets().rowCount(), 3);

    QSignalSpy started(&session, &RoomSession::memberRecordingStarted);
    QSignalSpy stopped(&session, &RoomSession::memberRecordingStopped);
    QSignalSpy errors(&session, &RoomSession::errorOccurred);
    session.startRecordingOf(QStringLiteral("alice"), SyncClient::param(QStringLiteral("by-session")));
    QVERIFY(session.isRecordingBusy());
    QTRY_COMPARE_WITH_TIMEOUT(started.size(), 1, 10'000);
    QVERIFY(!session.isRecordingBusy());
    QCOMPARE(session.recordedMembers(), QStringList{QStringLiteral("alice")});
    QVERIFY(session.isRecordingOf(QStringLiteral("alice")));
    QVERIFY(!session.isRecordingOf({})); // not our own
    QVERIFY(m_server->recordingService()->isRecording(QStringLiteral("alice")));
    // A second start of the same member is refused here, before the server.
    session.startRecordingOf(QStringLiteral("alice"), SyncClient::param(QStringLiteral("again")));
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().at(0).toInt(), int(ErrorCode::RecordingAlreadyRunningLocally));
    const qsizetype atStart = m_alice->videoKeyFlags(Track::CameraVideo).size();
    QTRY_VERIFY_WITH_TIMEOUT(m_alice->videoKeyFlags(Track::CameraVideo).size() >= atStart + 15, 30'000);

    session.leaveRoom();
    QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, 10'000);
    QCOMPARE(stopped.first().at(0).toString(), QStringLiteral("alice"));
    const QStringList ids = stopped.first().at(1).toStringList();
    QCOMPARE(ids.size(), 1);
    QVERIFY(session.recordedMembers().isEmpty());
    QVERIFY(!m_server->recordingService()->isRecording(QStringLiteral("alice")));
    QTRY_VERIFY_WITH_TIMEOUT(!session.room(), 10'000);
    m_server->waitForFinalizedFiles();
    auto file = catalogOf(*m_server).file(ids.first().toULongLong());
    QVERIFY(file.ok());
    QCOMPARE(file->userId, QStringLiteral("alice"));
    QCOMPARE(Mp4Inspector::inspect(file->storagePath).decodeErrors, 0);
    QCOMPARE(errors.size(), 1);
}

void TestMemberRecording::theMembersQuotaCountsNotTheCallers()
{
    // As over HTTP: a recording of a member counts against that member's quota. On a server
    // with a 1 MB quota, erin has used it up and carol has nothing; the admin (over quota
    // too) may still record carol, not erin.
    QTemporaryDir dir;
    ServerConfig config;
    config.secret = kSecret;
    config.quotaBytes = 1'000'000;
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    quint64 id = 500;
    for (const QString &user : {QStringLiteral("erin"), QStringLiteral("teacher")}) {
        FileRecord used;
        used.id = ++id;
        used.name = QStringLiteral("earlier");
        used.userId = user;
        used.state = FileRecord::State::Complete;
        used.startedAt = QDateTime::currentDateTimeUtc();
        used.sizeBytes = 2'000'000;
        used.storagePath = dir.filePath(QStringLiteral("earlier-%1.mp4").arg(id));
        QVERIFY(catalogOf(*server).insert(used).ok());
    }
    auto signIn = [&](SyncClient &c, const QString &user, UserSignature::Privileges privileges) {
        return c.connect(server->port(), user,
                         QString::fromLatin1(UserSignature::sign(kSecret, user, QDateTime::currentDateTimeUtc().addSecs(600), privileges)))
            .ok();
    };
    SyncClient erin, carol, teacher;
    QVERIFY(signIn(erin, QStringLiteral("erin"), UserSignature::All));
    QVERIFY(signIn(carol, QStringLiteral("carol"), UserSignature::All));
    QVERIFY(signIn(teacher, QStringLiteral("teacher"), UserSignature::Everything));
    QVERIFY(erin.createRoom(kRoom).ok());
    QVERIFY(carol.joinRoom(kRoom).ok());
    QVERIFY(teacher.joinRoom(kRoom).ok());
    QVERIFY(erin.publish(Track::CameraVideo, QSize(320, 180), 15, 15).ok());
    QVERIFY(carol.publish(Track::CameraVideo, QSize(320, 180), 15, 15).ok());

    auto refused = teacher.startRecordingOf(QStringLiteral("erin"), kRoom, SyncClient::param(QStringLiteral("erin-over")));
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, int(ErrorCode::InsufficientStorageQuota));
    QVERIFY(teacher.startRecordingOf(QStringLiteral("carol"), kRoom, SyncClient::param(QStringLiteral("carol-fits"))).ok());
    const qsizetype atStart = carol.videoKeyFlags(Track::CameraVideo).size();
    QTRY_VERIFY_WITH_TIMEOUT(carol.videoKeyFlags(Track::CameraVideo).size() >= atStart + 15, 30'000);
    QVERIFY(server->recordingService()->isRecording(QStringLiteral("carol")));
    auto ids = teacher.stopRecordingOf(QStringLiteral("carol"), kRoom);
    QVERIFY2(ids.ok(), qPrintable(ids ? QString() : ids.error().toString()));
    QCOMPARE(ids->size(), 1);
    server->waitForFinalizedFiles();
    auto file = catalogOf(*server).file(ids->first().toULongLong());
    QVERIFY(file.ok());
    QCOMPARE(file->userId, QStringLiteral("carol"));
    QVERIFY(file->sizeBytes > 0);
}

QTEST_MAIN(TestMemberRecording)
#include "tst_member_recording.moc"
