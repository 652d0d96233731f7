// A slow disk delays files, never the network (docs/protocol.md "Limits"): files are written
// on writer threads; while they stall, other users are answered at once, and a recording
// whose backlog passes its cap holds its publisher back (TCP) instead of growing memory or
// dropping media. The stall is made real by parking every writer thread.
#include "mp4inspector.h"
#include "syncclient.h"
#include "catalogprobe.h"
#include "testserver.h"

#include "server/recordingservice.h"

#include <QElapsedTimer>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

namespace {
// Blocks every writer thread until release() (or the destructor).
class WriterStall {
public:
    explicit WriterStall(WriterThreads &writers)
    {
        for (int i = 0; i < 8; ++i) { // round robin: at least once per thread
            QThread *thread = writers.next();
            if (m_threads.contains(thread))
                continue;
            m_threads << thread;
            QMetaObject::invokeMethod(thread->eventDispatcher(), [this] { m_gate.acquire(); }, Qt::QueuedConnection);
        }
    }
    ~WriterStall() { release(); }
    void release()
    {
        if (!m_released)
            m_gate.release(int(m_threads.size()));
        m_released = true;
    }

private:
    QList<QThread *> m_threads;
    QSemaphore m_gate;
    bool m_released = false;
};
} // namespace

class TestSlowDisk : public QObject {
    Q_OBJECT
private slots:
    void stalledWritesDoNotStallOthers();
    void backlogHoldsThePublisherBackAndLosesNothing();
};

void TestSlowDisk::stalledWritesDoNotStallOthers()
{
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    SyncClient alice;
    const RoomInfo room{1, 1};
    QVERIFY(alice.enterAndPublish(server->port(), QStringLiteral("alice"), room, QSize(320, 180), 15, 15).ok());
    QVERIFY(alice.startRecording(room, SyncClient::param(QStringLiteral("stalled"))).ok());
    QVERIFY(alice.recordFrames(5));
    WriterStall stall(server->recordingService()->writers());
    // alice stops: her answer waits for her file, which waits for the disk...
    std::optional<QStringList> stopped;
    alice.client().stopRecording(room, [&](const QStringList &ids) { stopped = ids; }, {});
    // ...while another user connects, joins and gets answers with no byte reaching the disk.
    SyncClient bob;
    QElapsedTimer answered;
    answered.start();
    QVERIFY(bob.connect(server->port(), QStringLiteral("bob")).ok());
    QVERIFY(bob.joinRoom(room).ok());
    QVERIFY(bob.listFiles(FileFilter{}).ok());
    QVERIFY2(answered.elapsed() < 3000, qPrintable(QString::number(answered.elapsed())));
    QVERIFY(!stopped);
    stall.release();
    QTRY_VERIFY_WITH_TIMEOUT(stopped.has_value(), 10'000);
    QCOMPARE(stopped->size(), 1);
    // When the stop answers, the file is complete.
    auto record = catalogOf(*server).file(stopped->first().toULongLong());
    QCOMPARE(record->state, FileRecord::State::Complete);
    const Mp4Report report = Mp4Inspector::inspect(record->storagePath);
    QVERIFY2(report.opened, qPrintable(report.error));
    QCOMPARE(report.decodeErrors, 0);
}

void TestSlowDisk::backlogHoldsThePublisherBackAndLosesNothing()
{
    QTemporaryDir dir;
    ServerConfig config;
    config.recordingBacklogBytes = 64 * 1024; // a few frames
    config.deadPeerMs = 1000; // held back longer than this, it must still not count as silent
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    SyncClient alice;
    const RoomInfo room{1, 1};
    QVERIFY(alice.enterAndPublish(server->port(), QStringLiteral("alice"), room, QSize(640, 360), 30, 30).ok());
    QVERIFY(alice.startRecording(room, SyncClient::param(QStringLiteral("held-back"))).ok());
    QVERIFY(alice.recordFrames(15));
    {
        WriterStall stall(server->recordingService()->writers());
        // The backlog passes the cap: the publisher's connection is held back...
        QTRY_VERIFY_WITH_TIMEOUT(server->recordingService()->isBacklogged(QStringLiteral("alice")), 10'000);
        // ...for 1.5 s of capture, past the dead-peer time, and not dropped as silent.
        QVERIFY(alice.recordFrames(45));
        QCOMPARE(server->sessionCount(), 1);
    }
    // Released: it catches up; the recording goes on and ends normally.
    QTRY_VERIFY_WITH_TIMEOUT(!server->recordingService()->isBacklogged(QStringLiteral("alice")), 20'000);
    QVERIFY(alice.recordFrames(15));
    auto ids = alice.stopRecording(room);
    QVERIFY2(ids.ok(), ids ? "" : qPrintable(ids.error().toString()));
    server->waitForFinalizedFiles();
    auto record = catalogOf(*server).file(ids->first().toULongLong());
    QCOMPARE(record->state, FileRecord::State::Complete);
    const Mp4Report report = Mp4Inspector::inspect(record->storagePath);
    QVERIFY2(report.opened, qPrintable(report.error));
    QCOMPARE(report.decodeErrors, 0);
    // Held back, not dropped: about 30 frames for every second of media, no hole.
    QVERIFY2(report.videoFramesDecoded >= int(report.durationSeconds * 30 * 0.8),
             qPrintable(QStringLiteral("%1 frames in %2 s").arg(report.videoFramesDecoded).arg(report.durationSeconds)));
}

QTEST_GUILESS_MAIN(TestSlowDisk)
#include "tst_slow_disk.moc"
