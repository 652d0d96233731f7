// StreamWorker: the publish pipeline on its own thread, driven by calls that return at once
// and report by signals (the desktop app's GUI thread never waits for it).
#include "media/mediaclock.h"
#include "media/streamworker.h"
#include "media/testpatternsource.h"
#include "media/testtonesource.h"
#include "protocol/errorcode.h"

#include <QSignalSpy>
#include <QtTest>

using namespace roomrec;

class TestStreamWorker : public QObject {
    Q_OBJECT
private slots:
    void previewsThenEncodesThenStops();
    void factoryFailureIsReportedAndStops();
    void destroyingARunningWorkerStopsIt();

private:
    MediaClock m_clock;
    StreamWorker::Factory testPattern(bool withTone = true)
    {
        return [this, withTone]() -> Result<std::unique_ptr<PublishPipeline>> {
            auto video = std::make_unique<TestPatternSource>(m_clock, QSize(320, 180), 30, QStringLiteral("Test pattern"));
            std::unique_ptr<AudioSource> audio;
            if (withTone)
                audio = std::make_unique<TestToneSource>(m_clock);
            return std::make_unique<PublishPipeline>(std::move(video), std::move(audio), Track::CameraVideo,
                                                     VideoEncoderSettings{});
        };
    }
};

void TestStreamWorker::previewsThenEncodesThenStops()
{
    StreamWorker worker(Track::CameraVideo, testPattern());
    QStringList events;
    qint64 video = 0, audio = 0, previews = 0;
    // The worker thread's signals are queued: they go to this receiver, destroyed before the
    // locals they write to, so one still queued at the end is discarded, not run on a dead stack.
    QObject receiver;
    connect(&worker, &StreamWorker::started, &receiver, [&](const QString &description, bool test) {
        events << QStringLiteral("started");
        QCOMPARE(description, QStringLiteral("Test pattern"));
        QVERIFY(test);
    });
    connect(&worker, &StreamWorker::previewReady, &receiver, [&](const QImage &) { ++previews; });
    connect(&worker, &StreamWorker::encodingStarted, &receiver,
            [&](const VideoParams &v, const std::optional<AudioParams> &a) {
                events << QStringLiteral("encoding");
                QCOMPARE(v.width, 320);
                QVERIFY(!v.extradata.isEmpty());
                QVERIFY(a.has_value());
            });
    connect(&worker, &StreamWorker::encodingStopped, &receiver, [&] { events << QStringLiteral("encoding stopped"); });
    connect(&worker, &StreamWorker::packetReady, &receiver, [&](const MediaPacket &p) {
        if (events.contains(QStringLiteral("stopped")))
            events << QStringLiteral("packet after stopped");
        (p.isVideo() ? video : audio)++;
    });
    connect(&worker, &StreamWorker::stopped, &receiver, [&] { events << QStringLiteral("stopped"); });

    worker.start();
    QCOMPARE(worker.state(), StreamWorker::State::Starting);
    QTRY_COMPARE(worker.state(), StreamWorker::State::Running);
    QTRY_VERIFY(previews > 3);
    QCOMPARE(video + audio, 0); // previewing encodes nothing
    QVERIFY(!worker.isEncoding());

    worker.setEncoding(true);
    QTRY_VERIFY(worker.isEncoding());
    QVERIFY(!worker.encoderName().isEmpty());
    QTRY_VERIFY(video > 10 && audio > 10);
    worker.requestKeyFrame();

    worker.setEncoding(false);
    QTRY_VERIFY(!worker.isEncoding());
    const qint64 afterOff = video;
    const qint64 previewsAfterOff = previews;
    QTRY_VERIFY(previews > previewsAfterOff + 3); // the preview goes on
    QCOMPARE(video, afterOff);

    worker.stop();
    QCOMPARE(worker.state(), StreamWorker::State::Stopping);
    QTRY_COMPARE(worker.state(), StreamWorker::State::Stopped);
    QCoreApplication::processEvents();
    QCOMPARE(events, (QStringList{QStringLiteral("started"), QStringLiteral("encoding"), QStringLiteral("encoding stopped"),
                                  QStringLiteral("stopped")}));
}

void TestStreamWorker::factoryFailureIsReportedAndStops()
{
    StreamWorker worker(Track::SubStreamVideo, []() -> Result<std::unique_ptr<PublishPipeline>> {
        return makeError(ErrorCode::SourceUnavailable, QStringLiteral("no such screen"));
    });
    QSignalSpy errors(&worker, &StreamWorker::errorOccurred);
    QSignalSpy stopped(&worker, &StreamWorker::stopped);
    QSignalSpy started(&worker, &StreamWorker::started);
    worker.start();
    QTRY_COMPARE(stopped.count(), 1);
    QCOMPARE(errors.count(), 1);
    QCOMPARE(errors.first().at(0).toInt(), int(ErrorCode::SourceUnavailable));
    QCOMPARE(started.count(), 0);
}

void TestStreamWorker::destroyingARunningWorkerStopsIt()
{
    qint64 packets = 0;
    QObject receiver; // see previewsThenEncodesThenStops
    {
        StreamWorker worker(Track::CameraVideo, testPattern(false));
        connect(&worker, &StreamWorker::packetReady, &receiver, [&packets](const MediaPacket &) { ++packets; });
        worker.start();
        worker.setEncoding(true); // applied once it runs
        QTRY_VERIFY(packets > 5);
    } // the destructor stops the pipeline and joins its thread
    QVERIFY(packets > 5);
}

QTEST_GUILESS_MAIN(TestStreamWorker)
#include "tst_streamworker.moc"
