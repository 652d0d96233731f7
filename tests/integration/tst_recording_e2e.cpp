// End to end over loopback: RoomServer (in-process, or the real roomrec-server binary
// where a process has to die) + RoomClient publishing test sources; the files are checked
// with libavformat/libavcodec and with ffprobe.
#include "mp4inspector.h"
#include "playercheck.h"
#include "syncclient.h"

#include "protocol/errorcode.h"
#include "protocol/frame.h"
#include "serverprocess.h"
#include "catalogprobe.h"
#include "testserver.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

class TestRecordingE2E : public QObject {
    Q_OBJECT
private slots:
    void threeSecondRecordingIsComplete();
    void subStreamRecording();
    void recordingStartsAtARequestedKeyFrame();
    void secondStartIsRefused();
    void oneOnOneRoomIsRefused();
    void onlyTheOwnerStops();
    void segmentsLoseAndRepeatNothing();
    void idleTimeoutEndsAndKeepsFiles();
    void garbageFromOneConnectionDisturbsNoOne();
    void killedServerRecoversTheFile();

private:
    static void verifyCatalogued(RoomServer &server, const QStringList &ids);
};

void TestRecordingE2E::verifyCatalogued(RoomServer &server, const QStringList &ids)
{
    // Files are finished on writer threads after the stop has answered.
    server.waitForFinalizedFiles();
    for (const QString &id : ids) {
        auto record = catalogOf(server).file(id.toULongLong());
        QVERIFY2(record.ok(), qPrintable(id));
        QCOMPARE(record->state, FileRecord::State::Complete);
        QVERIFY(QFile::exists(record->storagePath));
    }
}

void TestRecordingE2E::threeSecondRecordingIsComplete()
{
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    SyncClient alice;
    const RoomInfo room{15000, 1};
    QVERIFY(alice.enterAndPublish(server->port(), QStringLiteral("alice"), room).ok());
    QVERIFY(alice.startRecording(room, SyncClient::param(QStringLiteral("three-seconds"))).ok());
    QTest::qWait(3000);
    auto ids = alice.stopRecording(room);
    QVERIFY(ids.ok());
    QCOMPARE(ids->size(), 1);
    const qint64 sent = alice.client().recordedFramesSent();
    server->waitForFinalizedFiles(); // given a full index in the background

    auto record = alice.fileInfo(ids->first().toULongLong());
    QVERIFY(record.ok());
    QCOMPARE(record->name, QStringLiteral("three-seconds"));
    QCOMPARE(record->tags, QStringList{QStringLiteral("test")});
    QCOMPARE(record->classId, 7u);
    QCOMPARE(record->state, FileRecord::State::Complete);
    QCOMPARE(record->userId, QStringLiteral("alice"));

    const Mp4Report mp4 = Mp4Inspector::inspect(record->storagePath);
    QVERIFY2(mp4.opened, qPrintable(mp4.error));
    QCOMPARE(mp4.videoStreams, 1);
    QCOMPARE(mp4.audioStreams, 1);
    QCOMPARE(mp4.videoCodec, QStringLiteral("h264"));
    QCOMPARE(mp4.audioCodec, QStringLiteral("aac"));
    QCOMPARE(mp4.width, 640);
    QCOMPARE(mp4.height, 360);
    QVERIFY2(qAbs(mp4.durationSeconds - 3.0) <= 0.5, qPrintable(QString::number(mp4.durationSeconds)));
    QVERIFY2(qAbs(mp4.videoFramesDecoded - sent) <= 1,
             qPrintable(QStringLiteral("decoded %1, sent %2").arg(mp4.videoFramesDecoded).arg(sent)));
    QVERIFY(sent >= 80);
    QCOMPARE(mp4.decodeErrors, 0);
    QVERIFY(mp4.audioFramesDecoded > 100);
    QCOMPARE(record->sizeBytes, QFileInfo(record->storagePath).size());
    // Finished: a regular MP4, one mdat and the complete index (moov) after it; no fragments,
    // no movie-extends box (tst_hybridmp4finisher and tst_hybridfiles_e2e check the rest).
    QCOMPARE(PlayerCheck::topLevelBoxes(record->storagePath),
             (QStringList{QStringLiteral("ftyp"), QStringLiteral("mdat"), QStringLiteral("moov")}));
    QVERIFY(!PlayerCheck::lastMoovChildren(record->storagePath).contains(QLatin1String("mvex")));

    // An independent decoder: ffprobe counts the frames and reports no error.
    const QString ffprobe = QStandardPaths::findExecutable(QStringLiteral("ffprobe"));
    if (ffprobe.isEmpty())
        QSKIP("ffprobe is not installed (scripts/deps.sh installs it); libavcodec decode above passed");
    QProcess probe;
    probe.start(ffprobe, {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-count_frames"),
                          QStringLiteral("-select_streams"), QStringLiteral("v:0"), QStringLiteral("-show_entries"),
                          QStringLiteral("stream=nb_read_frames"), QStringLiteral("-of"), QStringLiteral("csv=p=0"),
                          record->storagePath});
    QVERIFY(probe.waitForFinished(60'000));
    QCOMPARE(probe.exitCode(), 0);
    QCOMPARE(QString::fromUtf8(probe.readAllStandardError()).trimmed(), QString());
    QCOMPARE(QString::fromUtf8(probe.readAllStandardOutput()).trimmed().toInt(), mp4.videoFramesDecoded);
}

void TestRecordingE2E::subStreamRecording()
{
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    SyncClient bob;
    const RoomInfo room{1, 2};
    QVERIFY(bob.enterAndPublish(server->port(), QStringLiteral("bob"), room).ok());
    QVERIFY(bob.publish(Track::SubStreamVideo, QSize(1280, 720), 15, 30).ok());
    QVERIFY(bob.startRecording(room, SyncClient::param(QStringLiteral("screen"), RecordParam::SubStream)).ok());
    QTest::qWait(2000);
    auto ids = bob.stopRecording(room);
    QVERIFY(ids.ok());
    QCOMPARE(ids->size(), 1);
    auto record = catalogOf(*server).file(ids->first().toULongLong());
    QVERIFY(record.ok());
    QCOMPARE(record->streamKind, 1);
    const Mp4Report mp4 = Mp4Inspector::inspect(record->storagePath);
    QCOMPARE(mp4.width, 1280);
    QCOMPARE(mp4.audioStreams, 0); // the sub-stream carries no audio
    QVERIFY(qAbs(mp4.videoFramesDecoded - bob.client().recordedFramesSent()) <= 1);
    QCOMPARE(mp4.decodeErrors, 0);
}

void TestRecordingE2E::recordingStartsAtARequestedKeyFrame()
{
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    SyncClient alice;
    const RoomInfo room{8, 8};
    QVERIFY(alice.connect(server->port(), QStringLiteral("alice")).ok());
    QVERIFY(alice.createRoom(room).ok());
    // A key frame only every 20 s on its own: the recording can only start quickly if the
    // server's key-frame request reaches the encoder.
    QVERIFY(alice.publish(Track::CameraVideo, QSize(640, 360), 30, 600).ok());
    QTest::qWait(1000); // well past the publish-time key frame
    QVERIFY(alice.startRecording(room, SyncClient::param(QStringLiteral("prompt"))).ok());
    QTest::qWait(1500);
    auto ids = alice.stopRecording(room);
    QVERIFY(ids.ok());
    const Mp4Report mp4 = Mp4Inspector::inspect(catalogOf(*server).file(ids->first().toULongLong())->storagePath);
    // 1.5 s at 30 fps is 45 frames; waiting for the next natural key frame (x264 also cuts
    // one at the pattern's once-a-second flash) would lose up to 30 of them.
    QVERIFY2(mp4.videoFramesDecoded >= 42, qPrintable(QString::number(mp4.videoFramesDecoded)));
    QCOMPARE(mp4.decodeErrors, 0);
    QVERIFY(qAbs(mp4.videoFramesDecoded - alice.client().recordedFramesSent()) <= 1);
}

void TestRecordingE2E::secondStartIsRefused()
{
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    SyncClient alice;
    const RoomInfo room{7, 7};
    QVERIFY(alice.enterAndPublish(server->port(), QStringLiteral("alice"), room).ok());
    QVERIFY(alice.startRecording(room, SyncClient::param(QStringLiteral("one"))).ok());
    // Client-side check, before any packet is sent (as the SDK does).
    Status again = alice.startRecording(room, SyncClient::param(QStringLiteral("two")));
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code, int(ErrorCode::RecordingAlreadyRunningLocally));
    // The server's rule: one channel per user, whatever the connection.
    SyncClient aliceElsewhere;
    QVERIFY(aliceElsewhere.connect(server->port(), QStringLiteral("alice")).ok());
    QVERIFY(aliceElsewhere.joinRoom(room).ok());
    QVERIFY(aliceElsewhere.publish(Track::CameraVideo).ok());
    Status second = aliceElsewhere.startRecording(room, SyncClient::param(QStringLiteral("two")));
    QVERIFY(!second.ok());
    QCOMPARE(second.error().code, int(ErrorCode::RecordingAlreadyRunning));
    QTest::qWait(500);
    auto ids = alice.stopRecording(room);
    QVERIFY(ids.ok());
    QCOMPARE(ids->size(), 1); // and no second file
    auto all = catalogOf(*server).files({});
    QCOMPARE(all->size(), 1);
}

void TestRecordingE2E::oneOnOneRoomIsRefused()
{
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    SyncClient alice;
    const RoomInfo room{3, 4};
    QVERIFY(alice.connect(server->port(), QStringLiteral("alice")).ok());
    QVERIFY(alice.createRoom(room, RoomKind::OneOnOne).ok());
    QVERIFY(alice.publish(Track::CameraVideo).ok());
    Status s = alice.startRecording(room, SyncClient::param(QStringLiteral("call")));
    QVERIFY(!s.ok());
    QCOMPARE(s.error().code, int(ErrorCode::OneOnOneRoomNotSupported));
    QVERIFY(!alice.client().isRecording());
}

void TestRecordingE2E::onlyTheOwnerStops()
{
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    const RoomInfo room{9, 9};
    SyncClient alice, bob;
    QVERIFY(alice.enterAndPublish(server->port(), QStringLiteral("alice"), room).ok());
    QVERIFY(bob.connect(server->port(), QStringLiteral("bob")).ok());
    QVERIFY(bob.joinRoom(room).ok());
    QTRY_COMPARE(alice.client().members().size(), 2); // the member list updates for everyone
    QVERIFY(alice.startRecording(room, SyncClient::param(QStringLiteral("owned"))).ok());
    auto byBob = bob.stopRecording(room);
    QVERIFY(!byBob.ok());
    QCOMPARE(byBob.error().code, int(ErrorCode::NotRecordingOwner));
    QTest::qWait(500);
    QVERIFY(alice.stopRecording(room).ok());
    auto nothing = alice.stopRecording(room);
    QCOMPARE(nothing.error().code, int(ErrorCode::NotRecording));
    // Leaving updates everyone's member list too.
    QVERIFY(bob.leaveRoom().ok());
    QTRY_COMPARE(alice.client().members(), QStringList{QStringLiteral("alice")});
    QCOMPARE(bob.client().state(), ClientState::SignedIn);
}

void TestRecordingE2E::segmentsLoseAndRepeatNothing()
{
    QTemporaryDir dir;
    ServerConfig config;
    config.segmentSeconds = 1;
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    SyncClient alice;
    const RoomInfo room{5, 5};
    QVERIFY(alice.enterAndPublish(server->port(), QStringLiteral("alice"), room, QSize(640, 360), 30, 15).ok()); // key frame every 0.5 s
    QVERIFY(alice.startRecording(room, SyncClient::param(QStringLiteral("segmented"))).ok());
    QTest::qWait(3600);
    auto ids = alice.stopRecording(room);
    QVERIFY(ids.ok());
    QVERIFY2(ids->size() >= 3, qPrintable(ids->join(QLatin1Char(','))));
    verifyCatalogued(*server, ids.value());
    int frames = 0;
    qint64 expectedStartUs = 0;
    for (int i = 0; i < ids->size(); ++i) {
        auto record = catalogOf(*server).file(ids->at(i).toULongLong());
        QCOMPARE(record->segmentIndex, i);
        // The timeline continues: each file starts where the previous one ended (frame
        // durations are whole microseconds, so 1/30 s rounds: allow 1 ms).
        QVERIFY2(qAbs(record->mediaStartUs - expectedStartUs) <= 1000,
                 qPrintable(QStringLiteral("%1 vs %2").arg(record->mediaStartUs).arg(expectedStartUs)));
        expectedStartUs = record->mediaStartUs;
        expectedStartUs += record->durationUs;
        const Mp4Report mp4 = Mp4Inspector::inspect(record->storagePath);
        QCOMPARE(mp4.decodeErrors, 0);
        QVERIFY(mp4.keyFrames >= 1);
        frames += mp4.videoFramesDecoded;
        if (i + 1 < ids->size())
            QVERIFY2(record->durationUs >= 990'000 && record->durationUs < 1'600'000, qPrintable(QString::number(record->durationUs)));
    }
    QCOMPARE(frames, int(alice.client().recordedFramesSent()));
}

void TestRecordingE2E::idleTimeoutEndsAndKeepsFiles()
{
    QTemporaryDir dir;
    ServerConfig config;
    config.idleTimeoutMs = 1500;
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    const RoomInfo room{11, 1};
    QSignalSpy ended(server.get(), &RoomServer::recordingEnded);
    QString fileId;
    {
        SyncClient alice;
        QVERIFY(alice.connect(server->port(), QStringLiteral("alice")).ok());
        QVERIFY(alice.createRoom(room).ok());
        QVERIFY(alice.publish(Track::CameraVideo).ok());
        QVERIFY(alice.startRecording(room, SyncClient::param(QStringLiteral("crashy"))).ok());
        QTest::qWait(1500);
        // The app "crashes": the connection drops without a stop.
    }
    QTRY_VERIFY_WITH_TIMEOUT(ended.size() == 1, 10'000);
    const auto outcome = ended.first().at(1).value<RecordingOutcome>();
    QCOMPARE(outcome.reason, QStringLiteral("idle"));
    QCOMPARE(outcome.fileIds.size(), 1);
    verifyCatalogued(*server, outcome.fileIds);
    const Mp4Report mp4 = Mp4Inspector::inspect(catalogOf(*server).file(outcome.fileIds.first().toULongLong())->storagePath);
    QVERIFY(mp4.durationSeconds > 1.0);
    QCOMPARE(mp4.decodeErrors, 0);

    // Coming back, the user learns the file IDs.
    SyncClient again;
    QVERIFY(again.connect(server->port(), QStringLiteral("alice")).ok());
    auto result = again.recordingResult(room);
    QVERIFY(result.ok());
    QCOMPARE(result->fileIds, outcome.fileIds);
    QCOMPARE(result->reason, QStringLiteral("idle"));
}

void TestRecordingE2E::garbageFromOneConnectionDisturbsNoOne()
{
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    SyncClient alice;
    const RoomInfo room{2, 2};
    QVERIFY(alice.enterAndPublish(server->port(), QStringLiteral("alice"), room).ok());
    QVERIFY(alice.startRecording(room, SyncClient::param(QStringLiteral("steady"))).ok());
    const QList<QByteArray> attacks = {
        QByteArray("GET / HTTP/1.1\r\n\r\n"),
        QByteArray("\x00\x00\x00\x05\x01\xff\xff\xff\xff\xff", 10),      // control frame, not CBOR
        QByteArray("\xff\xff\xff\xff\x02", 5),                          // 4 GiB media frame
        Frame{FrameKind::Media, QByteArray(30, '\x07')}.encode(),        // media before hello
        QByteArray("\x00\x00\x10", 3),                                   // truncated header, then hang up
    };
    for (const QByteArray &attack : attacks) {
        QTcpSocket evil;
        evil.connectToHost(QStringLiteral("127.0.0.1"), server->port());
        QVERIFY(evil.waitForConnected(2000));
        evil.write(attack);
        evil.flush();
        QTest::qWait(100);
        evil.abort();
    }
    QTest::qWait(500);
    auto ids = alice.stopRecording(room);
    QVERIFY(ids.ok());
    const Mp4Report mp4 = Mp4Inspector::inspect(catalogOf(*server).file(ids->first().toULongLong())->storagePath);
    QCOMPARE(mp4.decodeErrors, 0);
    QVERIFY(qAbs(mp4.videoFramesDecoded - alice.client().recordedFramesSent()) <= 1);
}

void TestRecordingE2E::killedServerRecoversTheFile()
{
#ifndef Q_OS_UNIX
    QSKIP("uses SIGKILL");
#else
    QTemporaryDir dir;
    ServerProcess first;
    const quint16 port = first.start(QStringLiteral(ROOMREC_SERVER_BINARY), dir.path());
    QVERIFY(port != 0);
    const RoomInfo room{42, 1};
    QString fileId;
    {
        SyncClient alice;
        QVERIFY(alice.connect(port, QStringLiteral("alice")).ok());
        QVERIFY(alice.createRoom(room).ok());
        QVERIFY(alice.publish(Track::CameraVideo).ok());
        QVERIFY(alice.startRecording(room, SyncClient::param(QStringLiteral("survivor"))).ok());
        QTest::qWait(3500);
        first.process().kill(); // SIGKILL: no chance to finish anything
        QVERIFY(first.process().waitForFinished(5000));
    }
    ServerProcess second;
    QVERIFY(second.start(QStringLiteral(ROOMREC_SERVER_BINARY), dir.path()) != 0);
    QVERIFY(second.startupOutput().contains("recovered file")); // it says so at start
    second.process().terminate();
    QVERIFY(second.process().waitForFinished(10'000));
    QCOMPARE(second.process().exitCode(), 0);

    Catalog catalog;
    QVERIFY(catalog.open(dir.filePath(QStringLiteral("catalog.sqlite"))).ok());
    auto files = catalog.files({});
    QVERIFY(files.ok());
    QCOMPARE(files->size(), 1);
    const FileRecord &r = files->first();
    QCOMPARE(r.state, FileRecord::State::Recovered);
    QCOMPARE(r.name, QStringLiteral("survivor"));
    const Mp4Report mp4 = Mp4Inspector::inspect(r.storagePath);
    QVERIFY2(mp4.opened, qPrintable(mp4.error));
    QCOMPARE(mp4.decodeErrors, 0);
    // ~3.5 s were sent; fragments are at most 1 s, so at least ~2.3 s must be there.
    QVERIFY2(mp4.durationSeconds >= 2.3, qPrintable(QString::number(mp4.durationSeconds)));
    QVERIFY(mp4.videoFramesDecoded >= 2.3 * 30);
#endif
}

QTEST_GUILESS_MAIN(TestRecordingE2E)
#include "tst_recording_e2e.moc"
