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

namespace {
// A real source that says (to the test's thread) whether its device is open now.
template <typename Source>
class WatchedSource : public Source {
public:
    template <typename... Args>
    explicit WatchedSource(std::shared_ptr<std::atomic<bool>> open, Args &&...args)
        : Source(std::forward<Args>(args)...), m_open(std::move(open))
    {
    }
    Status start() override
    {
        const Status s = Source::start();
        *m_open = s.ok();
        return s;
    }
    void stop() override
    {
        Source::stop();
        *m_open = false;
    }

private:
    std::shared_ptr<std::atomic<bool>> m_open;
};
} // namespace

class TestStreamWorker : public QObject {
    Q_OBJECT
private slots:
    void previewsThenEncodesThenStops();
    void factoryFailureIsReportedAndStops();
    void destroyingARunningWorkerStopsIt();
    void mutedSourcesAreClosedAndComeBackInTime();

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

void TestStreamWorker::mutedSourcesAreClosedAndComeBackInTime()
{
    // The desktop app's camera off / mic off: the device is closed, nothing of it is sent,
    // the rest goes on; back on, the timestamps are those of the capture again.
    auto cameraOpen = std::make_shared<std::atomic<bool>>(false);
    auto micOpen = std::make_shared<std::atomic<bool>>(false);
    StreamWorker worker(Track::CameraVideo, [this, cameraOpen, micOpen]() -> Result<std::unique_ptr<PublishPipeline>> {
        auto video = std::make_unique<WatchedSource<TestPatternSource>>(cameraOpen, m_clock, QSize(320, 180), 30,
                                                                        QStringLiteral("Test pattern"));
        auto audio = std::make_unique<WatchedSource<TestToneSource>>(micOpen, m_clock);
        return std::make_unique<PublishPipeline>(std::move(video), std::move(audio), Track::CameraVideo, VideoEncoderSettings{});
    });
    QList<MediaPacket> video, audio;
    qint64 previews = 0, stats = 0;
    connect(&worker, &StreamWorker::packetReady, this, [&](const MediaPacket &p) { (p.isVideo() ? video : audio) << p; });
    connect(&worker, &StreamWorker::previewReady, this, [&](const QImage &) { ++previews; });
    connect(&worker, &StreamWorker::statsUpdated, this, [&](const PublishStats &) { ++stats; });

    // Both off before it starts: published (encoders open, the stream has its audio track)
    // but the camera and microphone are never opened.
    worker.setMuted(true, true);
    QVERIFY(worker.isVideoMuted() && worker.isAudioMuted());
    worker.start();
    worker.setEncoding(true);
    QTRY_VERIFY(worker.isEncoding());
    QTRY_VERIFY(stats >= 2); // a second of running, by the pipeline's own clock
    QVERIFY(!*cameraOpen);
    QVERIFY(!*micOpen);
    QCOMPARE(video.size() + audio.size(), 0);
    QCOMPARE(previews, 0);

    // Mic on: sound only.
    worker.setMuted(true, false);
    QTRY_VERIFY(audio.size() > 20);
    QVERIFY(*micOpen);
    QVERIFY(!*cameraOpen);
    QCOMPARE(video.size(), 0);

    // Camera on: pictures, from a key frame.
    worker.setMuted(false, false);
    QTRY_VERIFY(video.size() > 30);
    QVERIFY(*cameraOpen);
    QVERIFY(video.first().key);
    QVERIFY(previews > 0);

    // Mic off: closed, and once what the encoder held is out, no sound while video goes on.
    worker.setMuted(false, true);
    QTRY_VERIFY(!*micOpen);
    qsizetype frames = video.size();
    QTRY_VERIFY(video.size() >= frames + 15);
    const qsizetype soundAtMute = audio.size();
    const qint64 lastSoundUs = audio.last().ptsUs;
    frames = video.size();
    QTRY_VERIFY(video.size() >= frames + 60); // two seconds of video
    QCOMPARE(audio.size(), soundAtMute);

    // Mic on again: the sound's timestamps are those of its capture (they jump over the
    // pause), so it stays in sync with the pictures.
    const qsizetype videoAtUnmute = video.size();
    worker.setMuted(false, false);
    QTRY_VERIFY(audio.size() > soundAtMute + 10);
    QVERIFY(*micOpen);
    const qint64 resumedUs = audio.at(soundAtMute).ptsUs;
    QVERIFY2(resumedUs - lastSoundUs > 1'500'000, qPrintable(QStringLiteral("sound resumed %1 us after it stopped").arg(resumedUs - lastSoundUs)));
    const qint64 videoThenUs = video.at(videoAtUnmute).ptsUs;
    QVERIFY2(qAbs(resumedUs - videoThenUs) < 250'000,
             qPrintable(QStringLiteral("sound at %1 us, pictures at %2 us").arg(resumedUs).arg(videoThenUs)));

    // Camera off: closed, no more pictures or previews, the sound goes on.
    worker.setMuted(true, false);
    QTRY_VERIFY(!*cameraOpen);
    qsizetype sound = audio.size();
    QTRY_VERIFY(audio.size() >= sound + 20);
    const qsizetype framesAtOff = video.size();
    const qint64 previewsAtOff = previews;
    sound = audio.size();
    QTRY_VERIFY(audio.size() >= sound + 60);
    QCOMPARE(video.size(), framesAtOff);
    QCOMPARE(previews, previewsAtOff);

    worker.stop();
    QTRY_COMPARE(worker.state(), StreamWorker::State::Stopped);
}

QTEST_GUILESS_MAIN(TestStreamWorker)
#include "tst_streamworker.moc"
