// Recorded files are constant frame rate: every video frame's timestamp, as ffprobe reads
// it from the finished MP4, sits on the grid of the chosen rate (n / fps from the first),
// with no slot missing or doubled, whatever a busy machine did to the capture timing. The
// test pattern is stamped on its own grid already; the camera-like source is not: it
// stamps each frame when it arrives, at irregular intervals, as a real camera does.
#include "syncclient.h"

#include "media/pipelinethread.h"
#include "media/testpatternpainter.h"

#include "catalogprobe.h"
#include "frameprobe.h"
#include "testserver.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

namespace {
// Frames arrive every 0.6 to 1.4 periods (a fixed pseudo-random sequence) and are stamped
// with the arrival time, like CameraSource does with what Qt Multimedia hands it.
class CameraLikeSource : public VideoSource {
public:
    CameraLikeSource(const MediaClock &clock, QSize size, int fps) : m_clock(clock), m_size(size), m_fps(fps)
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, &CameraLikeSource::tick);
    }
    QString description() const override { return QStringLiteral("camera-like test source"); }
    bool isTestSource() const override { return true; }
    QSize frameSize() const override { return m_size; }
    int frameRate() const override { return m_fps; }
    Status start() override
    {
        m_frame.reset(av_frame_alloc());
        m_frame->format = AV_PIX_FMT_YUV420P;
        m_frame->width = m_size.width();
        m_frame->height = m_size.height();
        if (av_frame_get_buffer(m_frame.get(), 0) < 0)
            return Error{1, QStringLiteral("no memory")};
        scheduleNext();
        return success();
    }
    void stop() override { m_timer.stop(); }

private:
    void scheduleNext()
    {
        const int periodMs = 1000 / m_fps;
        const int step = int((m_n * 7919) % 9); // 0..8 -> 0.6 .. 1.4 periods
        m_timer.start(periodMs * (6 + step) / 10);
    }
    void tick()
    {
        if (av_frame_make_writable(m_frame.get()) >= 0) {
            TestPatternPainter::paint(m_frame.get(), m_n, m_n * 1000 / m_fps, false);
            emit frameCaptured(m_frame.get(), m_clock.nowUs());
        }
        ++m_n;
        scheduleNext();
    }

    const MediaClock &m_clock;
    QSize m_size;
    int m_fps;
    AvFramePtr m_frame;
    QTimer m_timer{this};
    qint64 m_n = 0;
};
} // namespace

class TestCfr : public QObject {
    Q_OBJECT
private slots:
    void recordedFramesAreOnTheGrid_data();
    void recordedFramesAreOnTheGrid();
};

void TestCfr::recordedFramesAreOnTheGrid_data()
{
    QTest::addColumn<int>("fps");
    QTest::addColumn<bool>("cameraLike");
    QTest::newRow("test pattern 30 fps") << 30 << false;
    QTest::newRow("test pattern 25 fps") << 25 << false;
    QTest::newRow("test pattern 15 fps") << 15 << false;
    QTest::newRow("camera-like jittery 30 fps") << 30 << true;
    QTest::newRow("camera-like jittery 15 fps") << 15 << true;
}

void TestCfr::recordedFramesAreOnTheGrid()
{
    QFETCH(int, fps);
    QFETCH(bool, cameraLike);
    if (!FrameProbe::available())
        QSKIP("ffprobe is not installed (scripts/deps.sh installs ffmpeg)");
    QTemporaryDir dir;
    auto started = startTestServer(dir.path());
    QVERIFY(started);
    RoomServer &server = *started;
    SyncClient alice;
    const RoomInfo room{1, 1};
    MediaClock clock;
    std::unique_ptr<PipelineThread> camera;
    if (!cameraLike) {
        QVERIFY(alice.enterAndPublish(server.port(), QStringLiteral("alice"), room, QSize(320, 180), fps, fps).ok());
    } else {
        QVERIFY(alice.connect(server.port(), QStringLiteral("alice")).ok());
        QVERIFY(alice.createRoom(room).ok());
        VideoEncoderSettings settings;
        settings.gopFrames = fps;
        auto pipeline = std::make_unique<PublishPipeline>(std::make_unique<CameraLikeSource>(clock, QSize(320, 180), fps),
                                                          nullptr, Track::CameraVideo, settings);
        QVERIFY(pipeline->open().ok());
        PublishPipeline *raw = pipeline.get();
        camera = std::make_unique<PipelineThread>(std::move(pipeline));
        camera->start();
        bool published = false;
        alice.client().publish(raw, [&published] { published = true; }, {});
        QTRY_VERIFY_WITH_TIMEOUT(published, 10'000);
    }
    QVERIFY(alice.startRecording(room, SyncClient::param(QStringLiteral("cfr"))).ok());
    QVERIFY(alice.recordFrames(3 * fps));
    auto ids = alice.stopRecording(room);
    QVERIFY(ids.ok());
    QCOMPARE(ids->size(), 1);
    const QString path = catalogOf(server).file(ids->first().toULongLong())->storagePath;

    const FrameTimes times = FrameProbe::videoFrames(path);
    QVERIFY2(times.ok, qPrintable(times.error));
    QVERIFY2(times.pts.size() >= 3 * fps, qPrintable(QString::number(times.pts.size())));
    const QStringList off = times.offGrid(fps);
    qInfo("%lld frames, time base 1/%lld, r_frame_rate %s, avg_frame_rate %s, %lld off the grid",
          static_cast<long long>(times.pts.size()), static_cast<long long>(times.timeBaseScale), qPrintable(times.frameRate),
          qPrintable(times.avgFrameRate), static_cast<long long>(off.size()));
    QVERIFY2(off.isEmpty(), qPrintable(off.mid(0, 10).join(QStringLiteral("; "))));
    QCOMPARE(times.frameRate, QStringLiteral("%1/1").arg(fps));
}

QTEST_GUILESS_MAIN(TestCfr)
#include "tst_cfr.moc"
