// Recorded files are constant frame rate: every video frame's timestamp, as ffprobe reads
// it from the finished MP4, sits on the grid of the chosen rate (n / fps from the first),
// with no slot missing or doubled, whatever a busy machine did to the capture timing. The
// test pattern is stamped on its own grid already; the camera-like source is not: it
// stamps each frame when it arrives, at irregular intervals, as a real camera does.
#include "syncclient.h"

#include "media/pipelinethread.h"
#include "media/testpatternpainter.h"

#include "catalogprobe.h"
#include "testserver.h"

#include <QProcess>
#include <QStandardPaths>
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
    const QString ffprobe = QStandardPaths::findExecutable(QStringLiteral("ffprobe"));
    if (ffprobe.isEmpty())
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

    QProcess probe;
    probe.start(ffprobe, {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-select_streams"), QStringLiteral("v:0"),
                          QStringLiteral("-show_entries"), QStringLiteral("stream=time_base,r_frame_rate,avg_frame_rate:packet=pts"),
                          QStringLiteral("-of"), QStringLiteral("compact=p=0:nk=0"), path});
    QVERIFY(probe.waitForFinished(60'000));
    QCOMPARE(probe.exitCode(), 0);
    const QString out = QString::fromUtf8(probe.readAllStandardOutput());
    QList<qint64> pts;
    QString timeBase, rate, avgRate;
    for (const QString &line : out.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        for (const QString &field : line.split(QLatin1Char('|'))) {
            const QString key = field.section(QLatin1Char('='), 0, 0);
            const QString value = field.section(QLatin1Char('='), 1);
            if (key == QLatin1String("pts"))
                pts << value.toLongLong();
            else if (key == QLatin1String("time_base"))
                timeBase = value;
            else if (key == QLatin1String("r_frame_rate"))
                rate = value;
            else if (key == QLatin1String("avg_frame_rate"))
                avgRate = value;
        }
    }
    QVERIFY2(pts.size() >= 3 * fps, qPrintable(out.left(2000)));
    std::sort(pts.begin(), pts.end()); // packets come in decode order; no B-frames, but be sure
    const qint64 scale = timeBase.section(QLatin1Char('/'), 1).toLongLong();
    QVERIFY2(scale > 0, qPrintable(timeBase));
    // The exact slot times n * scale / fps, rounded to the file's timescale: a file is CFR
    // when every frame sits within one tick of its slot and no slot is missing or doubled.
    QStringList off;
    for (int n = 0; n < pts.size(); ++n) {
        const double slot = double(pts.first()) + double(n) * double(scale) / fps;
        if (qAbs(double(pts[n]) - slot) > 1.0)
            off << QStringLiteral("frame %1 at %2, slot %3").arg(n).arg(pts[n]).arg(slot, 0, 'f', 1);
    }
    qInfo("%lld frames, time base %s, r_frame_rate %s, avg_frame_rate %s, %lld off the grid",
          static_cast<long long>(pts.size()), qPrintable(timeBase), qPrintable(rate), qPrintable(avgRate),
          static_cast<long long>(off.size()));
    QVERIFY2(off.isEmpty(), qPrintable(off.mid(0, 10).join(QStringLiteral("; "))));
    QCOMPARE(rate, QStringLiteral("%1/1").arg(fps));
}

QTEST_GUILESS_MAIN(TestCfr)
#include "tst_cfr.moc"
