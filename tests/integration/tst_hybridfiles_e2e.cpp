// Files recorded through the server are finished in place into regular MP4s (hybrid MP4:
// fragments while recording, a complete moov appended at the end and the reserved header
// flipped into one mdat): the same file (inode) keeps every byte it had while recording,
// every player knows its duration, and a killed server still loses at most about a second,
// its recovered file finished the same way at the next start.
#include "fileinode.h"
#include "mp4inspector.h"
#include "playercheck.h"
#include "serverprocess.h"
#include "syncclient.h"
#include "catalogprobe.h"
#include "testserver.h"

#include "recording/hybridmp4finisher.h"

#include <QDirIterator>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>

using namespace roomrec;

namespace {

struct Seen {
    quint64 inode = 0;
    QByteArray head; // what was on disk while recording
};

QByteArray read(const QString &path, qint64 length = -1)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return length < 0 ? f.readAll() : f.read(length);
}

QHash<QString, Seen> recordingFiles(const QString &dataDir)
{
    QHash<QString, Seen> seen;
    QDirIterator it(QDir(dataDir).filePath(QStringLiteral("recordings")), {QStringLiteral("*.mp4")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        seen.insert(path, Seen{fileInode(path), read(path, 256 * 1024)});
    }
    return seen;
}

// A finished file: regular layout, plays in every player with the catalogue's duration.
void verifyFinished(const FileRecord &record, int expectedFrames)
{
    const QString &path = record.storagePath;
    QCOMPARE(PlayerCheck::topLevelBoxes(path),
             (QStringList{QStringLiteral("ftyp"), QStringLiteral("mdat"), QStringLiteral("moov")}));
    QVERIFY(!PlayerCheck::lastMoovChildren(path).contains(QLatin1String("mvex")));
    QCOMPARE(record.sizeBytes, QFileInfo(path).size());
    const Mp4Report mp4 = Mp4Inspector::inspect(path);
    QVERIFY2(mp4.opened, qPrintable(mp4.error));
    QCOMPARE(mp4.decodeErrors, 0);
    if (expectedFrames >= 0)
        QCOMPARE(mp4.videoFramesDecoded, expectedFrames);
    const double seconds = record.durationUs / 1e6;
    const PlayerReport r = PlayerCheck::check(path);
    const QString all = QStringLiteral("catalogue %1 s; ffprobe %2 %3 s %4 frames [%5]; ffmpeg [%6]; gst %7 s; mediainfo %8 s %9 frames")
                            .arg(seconds).arg(r.ffprobeFormat).arg(r.ffprobeSeconds).arg(r.ffprobeVideoFrames)
                            .arg(r.ffprobeErrors, r.ffmpegDecodeErrors).arg(r.gstreamerSeconds).arg(r.mediainfoSeconds)
                            .arg(r.mediainfoVideoFrames);
    QVERIFY2(r.ffprobeFormat.contains(QLatin1String("mp4")), qPrintable(all));
    QVERIFY2(r.ffprobeErrors.isEmpty() && r.ffmpegDecodeErrors.isEmpty(), qPrintable(all));
    QVERIFY2(r.ffprobeVideoFrames == mp4.videoFramesDecoded && r.mediainfoVideoFrames == mp4.videoFramesDecoded,
             qPrintable(all));
    // The catalogue has the video's duration; audio may end a frame or so later.
    for (double s : {r.ffprobeSeconds, r.gstreamerSeconds, r.mediainfoSeconds})
        QVERIFY2(qAbs(s - seconds) < 0.1, qPrintable(all));
    QVERIFY2(r.gstreamerSeekable, qPrintable(r.gstreamerOutput));
}

} // namespace

class TestHybridFilesE2E : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void recordedFilesAreFinishedInPlace_data();
    void recordedFilesAreFinishedInPlace();
    void killedServerLosesAtMostASecondAndFinishesTheFile();
};

void TestHybridFilesE2E::initTestCase()
{
    const QStringList missing = PlayerCheck::missingTools();
    if (!missing.isEmpty())
        QSKIP(qPrintable(QStringLiteral("not installed: %1 (scripts/deps.sh installs them)").arg(missing.join(QLatin1String(", ")))));
}

void TestHybridFilesE2E::recordedFilesAreFinishedInPlace_data()
{
    QTest::addColumn<quint32>("dataType");
    QTest::addColumn<int>("segmentSeconds");
    QTest::addColumn<int>("milliseconds");
    QTest::newRow("camera + tone") << quint32(RecordParam::Camera) << 3600 << 3000;
    QTest::newRow("sub-stream, no audio") << quint32(RecordParam::SubStream) << 3600 << 2000;
    QTest::newRow("1 s segments") << quint32(RecordParam::Camera) << 1 << 3600;
}

void TestHybridFilesE2E::recordedFilesAreFinishedInPlace()
{
    QFETCH(quint32, dataType);
    QFETCH(int, segmentSeconds);
    QFETCH(int, milliseconds);
    QTemporaryDir dir;
    ServerConfig config;
    config.segmentSeconds = segmentSeconds;
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    SyncClient alice;
    const RoomInfo room{77, 1};
    QVERIFY(alice.enterAndPublish(server->port(), QStringLiteral("alice"), room, QSize(640, 360), 30, 15).ok());
    if (dataType == RecordParam::SubStream)
        QVERIFY(alice.publish(Track::SubStreamVideo, QSize(1280, 720), 15, 30).ok());
    QVERIFY(alice.startRecording(room, SyncClient::param(QStringLiteral("hybrid"), dataType)).ok());
    // Media time, counted in frames sent rather than slept: a busy machine changes when,
    // not what (the camera runs at 30 fps, the sub-stream at 15).
    const qint64 toSend = qint64(dataType == RecordParam::SubStream ? 15 : 30) * milliseconds / 1000;
    QVERIFY(alice.recordFrames(toSend * 7 / 10));
    // Looked at once the writer thread has put well over a fragment on disk: on a busy
    // machine the disk may lag the frames sent by a batch or two. (With 1 s segments the file
    // being written may hold no more than its header at any moment.)
    QHash<QString, Seen> whileRecording;
    const auto enoughOnDisk = [&] {
        whileRecording = recordingFiles(dir.path());
        qint64 most = 0;
        for (const Seen &seen : std::as_const(whileRecording))
            most = qMax<qint64>(most, seen.head.size());
        return !whileRecording.isEmpty() && (segmentSeconds <= 60 || most > 60'000);
    };
    QTRY_VERIFY_WITH_TIMEOUT(enoughOnDisk(), 30'000);
    QVERIFY(alice.recordFrames(toSend - toSend * 7 / 10));
    auto ids = alice.stopRecording(room);
    QVERIFY(ids.ok());
    server->waitForFinalizedFiles();

    int frames = 0;
    qint64 compared = 0; // bytes seen while recording and compared once finished
    for (const QString &id : ids.value()) {
        auto record = catalogOf(*server).file(id.toULongLong());
        QVERIFY(record.ok());
        QCOMPARE(record->state, FileRecord::State::Complete);
        verifyFinished(record.value(), -1);
        if (QTest::currentTestFailed())
            return;
        frames += Mp4Inspector::inspect(record->storagePath).videoFramesDecoded;
        QCOMPARE(Mp4Inspector::inspect(record->storagePath).audioStreams, dataType == RecordParam::Camera ? 1 : 0);
        // Not rewritten: the file seen while recording, its bytes as they were then (but the
        // 16-byte header that became the mdat's).
        if (!whileRecording.contains(record->storagePath))
            continue; // a later segment
        const Seen &seen = whileRecording[record->storagePath];
        QCOMPARE(fileInode(record->storagePath), seen.inode);
        const qsizetype ftyp = qFromBigEndian<quint32>(seen.head.constData());
        if (seen.head.mid(ftyp + 4, 4) != "free")
            continue; // an earlier segment, finished already when we looked
        const QByteArray now = read(record->storagePath, seen.head.size());
        const qsizetype reservedEnd = ftyp + HybridMp4Finisher::kReservedBytes;
        QCOMPARE(now.mid(ftyp + 4, 4), QByteArray("mdat"));
        QCOMPARE(now.first(ftyp), seen.head.first(ftyp));
        QVERIFY(now.mid(reservedEnd) == seen.head.mid(reservedEnd));
        compared += seen.head.size();
    }
    QCOMPARE(frames, int(alice.client().recordedFramesSent()));
    // One file all along: well over a fragment was on disk when we looked. (With 1 s
    // segments the one being written may hold no more than its header yet.)
    if (segmentSeconds > 60)
        QVERIFY2(compared > 50'000, qPrintable(QString::number(compared)));
}

void TestHybridFilesE2E::killedServerLosesAtMostASecondAndFinishesTheFile()
{
#ifndef Q_OS_UNIX
    QSKIP("uses SIGKILL");
#else
    QTemporaryDir dir;
    ServerProcess first;
    const quint16 port = first.start(QStringLiteral(ROOMREC_SERVER_BINARY), dir.path());
    QVERIFY(port != 0);
    const RoomInfo room{78, 1};
    qint64 sent = 0;
    {
        SyncClient alice;
        QVERIFY(alice.connect(port, QStringLiteral("alice")).ok());
        QVERIFY(alice.createRoom(room).ok());
        QVERIFY(alice.publish(Track::CameraVideo).ok());
        QVERIFY(alice.startRecording(room, SyncClient::param(QStringLiteral("killed"))).ok());
        QVERIFY(alice.recordFrames(105)); // 3.5 s at 30 fps, counted rather than slept
        sent = alice.client().recordedFramesSent();
        first.process().kill(); // SIGKILL: nothing is finished, not even the fragment in progress
        QVERIFY(first.process().waitForFinished(5000));
    }
    QVERIFY(sent >= 90);
    // What the kill left: a fragmented file, its reserved header still a free box.
    const QHash<QString, Seen> left = recordingFiles(dir.path());
    QCOMPARE(left.size(), 1);
    const QString path = left.begin().key();
    QCOMPARE(PlayerCheck::topLevelBoxes(path).mid(0, 3),
             (QStringList{QStringLiteral("ftyp"), QStringLiteral("free"), QStringLiteral("moov")}));

    ServerProcess second;
    QVERIFY(second.start(QStringLiteral(ROOMREC_SERVER_BINARY), dir.path()) != 0);
    QVERIFY(second.startupOutput().contains("recovered file"));
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
    QCOMPARE(r.storagePath, path);
    QCOMPARE(fileInode(path), left.begin()->inode);
    verifyFinished(r, -1);
    // Fragments are at most 1 s: what was sent up to the kill is there but the fragment in
    // progress (and what was still in the sockets).
    const Mp4Report mp4 = Mp4Inspector::inspect(path);
    QVERIFY2(mp4.videoFramesDecoded >= sent - 36 && mp4.videoFramesDecoded <= sent,
             qPrintable(QStringLiteral("%1 frames in the file, %2 sent").arg(mp4.videoFramesDecoded).arg(sent)));
#endif
}

QTEST_GUILESS_MAIN(TestHybridFilesE2E)
#include "tst_hybridfiles_e2e.moc"
