// Storage integrity (docs/protocol.md "Recording semantics", README "Files on disk"): names
// checked in bytes at start, the free-space floor, the catalogue and the recordings folder
// reconciled at start, and deletes that cannot race the jobs still working on a file.
#include "mp4inspector.h"
#include "syncclient.h"
#include "catalogprobe.h"
#include "servercalls.h"
#include "testserver.h"

#include "protocol/errorcode.h"
#include "recording/fragmentedmp4writer.h"

#include "media/h264encoder.h"
#include "media/testpatternpainter.h"
#include "recording/fragmentedmp4writer.h"
#include "recording/hybridmp4finisher.h"

#include <QStorageInfo>
#include <QtEndian>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

class TestStorage : public QObject {
    Q_OBJECT
private slots:
    void fileNameLengthIsCheckedInBytesAtStart_data();
    void fileNameLengthIsCheckedInBytesAtStart();
    void freeSpaceFloorRefusesStart();
    void freeSpaceFloorEndsTheRecordingCleanly();
    void startUpReconcilesCatalogueAndDisk();
    void recoveryDropsASegmentWithNoMedia_data();
    void recoveryDropsASegmentWithNoMedia();
    void deleteWaitsForJobsOnTheFile();
    void finishingCutShortByACrashIsResumed();
};

void TestStorage::fileNameLengthIsCheckedInBytesAtStart_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("code");
    QTest::newRow("100 ASCII characters") << QString(100, QLatin1Char('a')) << 0;
    QTest::newRow("80 CJK characters: 240 bytes + suffix > 255") << QString(80, QChar(0x8bfe)) << int(ErrorCode::FileNameTooLong);
    QTest::newRow("70 CJK characters: 210 bytes + suffix fits") << QString(70, QChar(0x8bfe)) << 0;
}

void TestStorage::fileNameLengthIsCheckedInBytesAtStart()
{
    QFETCH(QString, name);
    QFETCH(int, code);
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    SyncClient alice;
    const RoomInfo room{1, 1};
    QVERIFY(alice.enterAndPublish(server->port(), QStringLiteral("alice"), room, QSize(320, 180), 15, 15).ok());
    const Status started = alice.startRecording(room, SyncClient::param(name));
    if (code == 0) {
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().toString()));
        QVERIFY(alice.recordFrames(10));
        auto ids = alice.stopRecording(room);
        QVERIFY(ids.ok());
        QCOMPARE(ids->size(), 1);
        server->waitForFinalizedFiles();
        QVERIFY(QFile::exists(catalogOf(*server).file(ids->first().toULongLong())->storagePath));
    } else {
        // Refused at start, with the reason in bytes, not later at the first key frame.
        QVERIFY(!started.ok());
        QCOMPARE(started.error().code, code);
        QVERIFY2(started.error().message.contains(QStringLiteral("bytes")), qPrintable(started.error().message));
    }
}

void TestStorage::freeSpaceFloorRefusesStart()
{
    QTemporaryDir dir;
    ServerConfig config;
    config.minFreeBytes = QStorageInfo(dir.path()).bytesAvailable() + 1024LL * 1024 * 1024;
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    SyncClient alice;
    const RoomInfo room{1, 1};
    QVERIFY(alice.enterAndPublish(server->port(), QStringLiteral("alice"), room, QSize(320, 180), 15, 15).ok());
    const Status started = alice.startRecording(room, SyncClient::param(QStringLiteral("no-room")));
    QVERIFY(!started.ok());
    QCOMPARE(started.error().code, int(ErrorCode::StorageFull));
}

void TestStorage::freeSpaceFloorEndsTheRecordingCleanly()
{
    QTemporaryDir dir;
    ServerConfig config;
    // The floor sits a few MiB below what is free now: the recording itself reaches it.
    config.minFreeBytes = QStorageInfo(dir.path()).bytesAvailable() - 3 * 1024 * 1024;
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    SyncClient alice;
    const RoomInfo room{1, 1};
    QVERIFY(alice.enterAndPublish(server->port(), QStringLiteral("alice"), room, QSize(1280, 720), 30, 30).ok());
    QSignalSpy ended(&alice.client(), &RoomClient::recordingEnded);
    QVERIFY(alice.startRecording(room, SyncClient::param(QStringLiteral("filling"))).ok());
    // Other suites share this disk and may free space meanwhile (ctest -j): a real file
    // takes any such surplus back, so the recording still reaches the floor.
    QFile ballast(dir.path() + QStringLiteral("/ballast"));
    QVERIFY(ballast.open(QIODevice::WriteOnly));
    const QByteArray zeros(1024 * 1024, '\0');
    auto takeBackSurplus = [&] {
        const qint64 surplus = QStorageInfo(dir.path()).bytesAvailable() - (config.minFreeBytes + 3 * 1024 * 1024);
        for (qint64 taken = 0; taken < qMin<qint64>(surplus, 256LL * 1024 * 1024); taken += zeros.size())
            ballast.write(zeros);
        ballast.flush();
    };
    QVERIFY(QTest::qWaitFor([&] { takeBackSurplus(); return ended.size() == 1; }, 60'000));
    QCOMPARE(ended.first().at(1).toString(), QStringLiteral("storage"));
    QCOMPARE(ended.first().at(2).toInt(), int(ErrorCode::StorageFull));
    server->waitForFinalizedFiles();
    // What was recorded is kept and plays to its end.
    for (const QString &id : ended.first().at(0).toStringList()) {
        auto record = catalogOf(*server).file(id.toULongLong());
        QVERIFY(record.ok());
        QCOMPARE(record->state, FileRecord::State::Complete);
        const Mp4Report report = Mp4Inspector::inspect(record->storagePath);
        QVERIFY2(report.opened, qPrintable(report.error));
        QCOMPARE(report.decodeErrors, 0);
    }
}

void TestStorage::startUpReconcilesCatalogueAndDisk()
{
    QTemporaryDir dir;
    QStringList ids;
    {
        auto server = startTestServer(dir.path());
        QVERIFY(server);
        SyncClient alice;
        const RoomInfo room{1, 1};
        QVERIFY(alice.enterAndPublish(server->port(), QStringLiteral("alice"), room, QSize(320, 180), 15, 15).ok());
        for (const QString &name : {QStringLiteral("kept"), QStringLiteral("lost")}) {
            QVERIFY(alice.startRecording(room, SyncClient::param(name)).ok());
            QVERIFY(alice.recordFrames(10));
            auto stopped = alice.stopRecording(room);
            QVERIFY(stopped.ok());
            ids << stopped.value();
        }
        server->waitForFinalizedFiles();
    }
    QCOMPARE(ids.size(), 2);
    const QString recordings = QDir(dir.path()).filePath(QStringLiteral("recordings"));
    QString keptPath, lostPath;
    {
        Catalog catalog;
        QVERIFY(catalog.open(QDir(dir.path()).filePath(QStringLiteral("catalog.sqlite"))).ok());
        keptPath = catalog.file(ids[0].toULongLong())->storagePath;
        lostPath = catalog.file(ids[1].toULongLong())->storagePath;
    }
    // A file lost from the disk, a file whose row was lost (power cut), derived outputs of a
    // file long gone.
    QVERIFY(QFile::remove(lostPath));
    const QString dayDir = QFileInfo(keptPath).absolutePath();
    const QString orphanPath = QDir(dayDir).filePath(QStringLiteral("orphan-%1.mp4").arg(ids[1].toULongLong() + 1000));
    QVERIFY(QFile::copy(keptPath, orphanPath));
    const QString staleDerived = QDir(dayDir).filePath(QStringLiteral("424242"));
    QVERIFY(QDir().mkpath(staleDerived));
    QFile cover(QDir(staleDerived).filePath(QStringLiteral("cover.jpg")));
    QVERIFY(cover.open(QIODevice::WriteOnly));
    cover.close();

    auto server = startTestServer(dir.path());
    QVERIFY(server);
    QVERIFY(catalogOf(*server).file(ids[0].toULongLong()).ok());
    QCOMPARE(catalogOf(*server).file(ids[1].toULongLong()).error().code, int(ErrorCode::FileNotFound));
    auto orphan = catalogOf(*server).file(ids[1].toULongLong() + 1000);
    QVERIFY(orphan.ok());
    QCOMPARE(orphan->state, FileRecord::State::Recovered);
    QCOMPARE(orphan->name, QStringLiteral("orphan"));
    QVERIFY(orphan->userId.isEmpty()); // owner unknown: admins only
    QVERIFY(orphan->durationUs > 500'000);
    QVERIFY(!QFileInfo::exists(staleDerived));
    // New file IDs stay above the adopted one.
    SyncClient alice;
    const RoomInfo room{1, 1};
    QVERIFY(alice.enterAndPublish(server->port(), QStringLiteral("alice"), room, QSize(320, 180), 15, 15).ok());
    QVERIFY(alice.startRecording(room, SyncClient::param(QStringLiteral("after"))).ok());
    QVERIFY(alice.recordFrames(5));
    auto after = alice.stopRecording(room);
    QVERIFY(after.ok());
    QVERIFY(after->first().toULongLong() > ids[1].toULongLong() + 1000);
}

void TestStorage::recoveryDropsASegmentWithNoMedia_data()
{
    QTest::addColumn<bool>("catalogued");
    QTest::newRow("row in the catalogue") << true;
    // The row is queued on the catalogue's thread while the file opens: killed before it landed.
    QTest::newRow("row still queued") << false;
}

void TestStorage::recoveryDropsASegmentWithNoMedia()
{
    QFETCH(bool, catalogued);
    // kill -9 right after a segment cut: the new file has its header and no fragment yet.
    QTemporaryDir dir;
    const QString day = QDir(dir.path()).filePath(QStringLiteral("recordings/2026-01-01"));
    QVERIFY(QDir().mkpath(day));
    const QString path = QDir(day).filePath(QStringLiteral("cut-77.mp4"));
    {
        VideoParams video;
        video.width = 320;
        video.height = 180;
        video.extradata = QByteArray::fromHex("000000016742c00cda05067e7c04400000030040000007a3c50aa80000000168ce0fc8");
        FragmentedMp4Writer writer;
        QVERIFY(writer.open(path, video, std::nullopt).ok());
    } // abandoned, as by a kill: ftyp + moov only
    QVERIFY(QFileInfo(path).size() > 0);
    if (catalogued) {
        Catalog catalog;
        QVERIFY(catalog.open(QDir(dir.path()).filePath(QStringLiteral("catalog.sqlite"))).ok());
        FileRecord record;
        record.id = 77;
        record.name = QStringLiteral("cut");
        record.userId = QStringLiteral("alice");
        record.state = FileRecord::State::Recording;
        record.startedAt = QDateTime::currentDateTimeUtc();
        record.storagePath = path;
        QVERIFY(catalog.insert(record).ok());
    }
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    QCOMPARE(catalogOf(*server).file(77).error().code, int(ErrorCode::FileNotFound));
    QVERIFY(!QFileInfo::exists(path));
}

void TestStorage::deleteWaitsForJobsOnTheFile()
{
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    FileRecord busy;
    busy.id = 99;
    busy.name = QStringLiteral("busy");
    busy.userId = QStringLiteral("alice");
    busy.state = FileRecord::State::Complete;
    busy.startedAt = QDateTime::currentDateTimeUtc();
    busy.processing = {QStringLiteral("transcode")};
    busy.processingState = QStringLiteral("running 40%");
    busy.storagePath = dir.filePath(QStringLiteral("busy.mp4"));
    QFile file(busy.storagePath);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    QVERIFY(catalogOf(*server).insert(busy).ok());
    const Status refused = ServerCalls::deleteFile(*server, 99);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, int(ErrorCode::FileBusy));
    QVERIFY(QFile::exists(busy.storagePath));
    busy.processingState = QStringLiteral("done");
    QVERIFY(catalogOf(*server).update(busy).ok());
    QVERIFY(ServerCalls::deleteFile(*server, 99).ok());
    QVERIFY(!QFile::exists(busy.storagePath));
    QCOMPARE(catalogOf(*server).file(99).error().code, int(ErrorCode::FileNotFound));
}

void TestStorage::finishingCutShortByACrashIsResumed()
{
    QTemporaryDir dir;
    const QString day = QDir(dir.path()).filePath(QStringLiteral("recordings/2026-11-26"));
    QVERIFY(QDir().mkpath(day));
    // A closed recording, catalogued complete, whose finishing was cut short by a crash
    // after the new index was staged (the file is still its fragmented self).
    VideoEncoderSettings settings;
    settings.size = QSize(320, 180);
    settings.gopFrames = 15;
    H264Encoder encoder;
    QVERIFY(encoder.open(settings).ok());
    VideoParams video;
    video.width = 320;
    video.height = 180;
    video.frameRateNum = 15;
    video.frameRateDen = 1;
    video.extradata = encoder.extradata();
    FileRecord record;
    record.id = 4242;
    record.name = QStringLiteral("cut-short");
    record.userId = QStringLiteral("alice");
    record.state = FileRecord::State::Complete;
    record.startedAt = record.endedAt = QDateTime::currentDateTimeUtc();
    record.storagePath = QDir(day).filePath(QStringLiteral("cut-short-4242.mp4"));
    {
        FragmentedMp4Writer writer;
        QVERIFY(writer.open(record.storagePath, video, std::nullopt).ok());
        AvFramePtr yuv(av_frame_alloc());
        yuv->format = AV_PIX_FMT_YUV420P;
        yuv->width = 320;
        yuv->height = 180;
        QVERIFY(av_frame_get_buffer(yuv.get(), 0) >= 0);
        for (int i = 0; i < 30; ++i) {
            TestPatternPainter::paint(yuv.get(), i, i * 66, false);
            auto packets = encoder.encode(yuv.get(), i * 66'666, i == 0, Track::CameraVideo);
            QVERIFY(packets.ok());
            for (MediaPacket p : packets.value()) {
                p.durationUs = 66'666;
                QVERIFY(writer.write(p, p.ptsUs, p.dtsUs).ok());
            }
        }
        QVERIFY(writer.finish().ok());
    }
    QVERIFY(HybridMp4Finisher::finish(record.storagePath, HybridMp4Finisher::Step::Staged).ok());
    record.sizeBytes = QFileInfo(record.storagePath).size();
    {
        Catalog catalog;
        QVERIFY(catalog.open(QDir(dir.path()).filePath(QStringLiteral("catalog.sqlite"))).ok());
        QVERIFY(catalog.insert(record).ok());
    }
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    server->waitForFinalizedFiles();
    // Finished now: ftyp, then one mdat over the fragments, then the complete index.
    QFile file(record.storagePath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray head = file.read(64);
    const quint32 ftypSize = qFromBigEndian<quint32>(head.constData());
    QCOMPARE(head.mid(int(ftypSize) + 4, 4), QByteArray("mdat"));
    QCOMPARE(catalogOf(*server).file(record.id)->sizeBytes, file.size());
    const Mp4Report report = Mp4Inspector::inspect(record.storagePath);
    QVERIFY2(report.opened, qPrintable(report.error));
    QCOMPARE(report.videoFramesDecoded, 30);
    QCOMPARE(report.decodeErrors, 0);
}

QTEST_GUILESS_MAIN(TestStorage)
#include "tst_storage.moc"
