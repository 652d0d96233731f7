// The video clock: encoded timestamps on a constant frame grid whatever the source does
// (jitter, bursts, late and skipped frames), so recordings are constant frame rate.
#include "media/framegrid.h"
#include "media/publishpipeline.h"
#include "media/testpatternpainter.h"
#include "media/videosource.h"

#include <QtTest>

using namespace roomrec;

namespace {
// A source the test drives by hand: one frame per emitFrame(), at the capture time given.
class ScriptedSource : public VideoSource {
public:
    ScriptedSource(QSize size, int fps) : m_size(size), m_fps(fps)
    {
        m_frame.reset(av_frame_alloc());
        m_frame->format = AV_PIX_FMT_YUV420P;
        m_frame->width = size.width();
        m_frame->height = size.height();
        av_frame_get_buffer(m_frame.get(), 0);
    }
    QString description() const override { return QStringLiteral("scripted (test)"); }
    bool isTestSource() const override { return true; }
    QSize frameSize() const override { return m_size; }
    int frameRate() const override { return m_fps; }
    Status start() override { return success(); }
    void stop() override {}
    void emitFrame(qint64 captureUs, qint64 index)
    {
        av_frame_make_writable(m_frame.get());
        TestPatternPainter::paint(m_frame.get(), index, captureUs / 1000, false);
        emit frameCaptured(m_frame.get(), captureUs);
    }

private:
    QSize m_size;
    int m_fps;
    AvFramePtr m_frame;
};
} // namespace

class TestFrameGrid : public QObject {
    Q_OBJECT
private slots:
    void placesFramesOnTheGrid_data();
    void placesFramesOnTheGrid();
    void longGapStartsANewGrid();
    void pipelineTimestampsAreConstantFrameRate_data();
    void pipelineTimestampsAreConstantFrameRate();
    void encodingOffThenOnKeepsTimeMovingForward();
};

void TestFrameGrid::placesFramesOnTheGrid_data()
{
    QTest::addColumn<int>("fps");
    QTest::addColumn<QList<qint64>>("captureUs"); // relative to the first frame
    QTest::addColumn<QList<qint64>>("wantSlots");     // -1: dropped
    QTest::addColumn<QList<qint64>>("repeats");
    QTest::newRow("exact 30 fps") << 30 << QList<qint64>{0, 33'333, 66'667, 100'000} << QList<qint64>{0, 1, 2, 3}
                                  << QList<qint64>{0, 0, 0, 0};
    QTest::newRow("jitter under half a frame") << 30 << QList<qint64>{0, 40'000, 60'000, 110'000, 130'000}
                                               << QList<qint64>{0, 1, 2, 3, 4} << QList<qint64>{0, 0, 0, 0, 0};
    QTest::newRow("two in one slot: second dropped") << 30 << QList<qint64>{0, 33'000, 40'000, 66'000}
                                                     << QList<qint64>{0, 1, -1, 2} << QList<qint64>{0, 0, 0, 0};
    QTest::newRow("late source: skipped slots repeated") << 30 << QList<qint64>{0, 33'333, 133'333, 166'667}
                                                         << QList<qint64>{0, 1, 4, 5} << QList<qint64>{0, 0, 2, 0};
    QTest::newRow("15 fps camera sending 30") << 15 << QList<qint64>{0, 33'333, 66'667, 100'000, 133'333}
                                              << QList<qint64>{0, -1, 1, 2, -1} << QList<qint64>{0, 0, 0, 0, 0};
}

void TestFrameGrid::placesFramesOnTheGrid()
{
    QFETCH(int, fps);
    QFETCH(QList<qint64>, captureUs);
    QFETCH(QList<qint64>, wantSlots);
    QFETCH(QList<qint64>, repeats);
    FrameGrid grid(fps);
    const qint64 origin = 5'000'123;
    for (int i = 0; i < captureUs.size(); ++i) {
        const FrameGrid::Placement p = grid.place(origin + captureUs[i]);
        QCOMPARE(p.drop, wantSlots[i] < 0);
        if (wantSlots[i] >= 0) {
            QCOMPARE(p.slot, wantSlots[i]);
            QCOMPARE(p.repeats, repeats[i]);
            QCOMPARE(grid.ptsOfSlot(p.slot), origin + wantSlots[i] * 1'000'000 / fps);
        }
    }
}

void TestFrameGrid::longGapStartsANewGrid()
{
    FrameGrid grid(30);
    QCOMPARE(grid.place(1'000'000).slot, 0);
    QCOMPARE(grid.place(1'033'333).slot, 1);
    // A source silent for longer than kMaxRepeatSeconds is not filled with repeats.
    const qint64 later = 1'033'333 + (FrameGrid::kMaxRepeatSeconds + 1) * 1'000'000LL;
    const FrameGrid::Placement p = grid.place(later);
    QCOMPARE(p.repeats, 0);
    QCOMPARE(p.slot, 0);
    QCOMPARE(grid.ptsOfSlot(0), later);
}

void TestFrameGrid::pipelineTimestampsAreConstantFrameRate_data()
{
    QTest::addColumn<int>("fps");
    QTest::addColumn<int>("jitterUs");
    QTest::addColumn<int>("skipEvery"); // every n-th frame never arrives (0: none)
    QTest::addColumn<int>("burstEvery"); // every n-th frame arrives twice (0: none)
    QTest::newRow("30 fps steady") << 30 << 0 << 0 << 0;
    QTest::newRow("30 fps jittery, skipping and bursting") << 30 << 12'000 << 7 << 5;
    QTest::newRow("25 fps skipping") << 25 << 5'000 << 3 << 0;
    QTest::newRow("15 fps bursting") << 15 << 20'000 << 0 << 2;
}

// Through the real pipeline and encoder: whatever the source's timing, the packets' pts are
// origin + n / fps for n = 0, 1, 2, ... with none missing and none twice.
void TestFrameGrid::pipelineTimestampsAreConstantFrameRate()
{
    QFETCH(int, fps);
    QFETCH(int, jitterUs);
    QFETCH(int, skipEvery);
    QFETCH(int, burstEvery);
    auto owned = std::make_unique<ScriptedSource>(QSize(160, 90), fps);
    ScriptedSource *source = owned.get();
    VideoEncoderSettings settings;
    settings.gopFrames = fps;
    PublishPipeline pipeline(std::move(owned), nullptr, Track::CameraVideo, settings);
    QList<qint64> pts;
    connect(&pipeline, &PublishPipeline::packetReady, this, [&pts](const MediaPacket &p) { pts << p.ptsUs; });
    QVERIFY(pipeline.open().ok());
    pipeline.start();
    const qint64 origin = 2'000'000;
    const int frames = 120;
    qint64 sent = 0;
    for (int i = 0; i < frames; ++i) {
        if (skipEvery && i % skipEvery == skipEvery - 1 && i != frames - 1)
            continue;
        // Deterministic jitter within +-jitterUs, below half a period.
        const qint64 jitter = jitterUs ? ((i * 7919) % (2 * jitterUs + 1)) - jitterUs : 0;
        const qint64 at = origin + qint64(i) * 1'000'000 / fps + (i ? jitter : 0);
        source->emitFrame(at, i);
        ++sent;
        if (burstEvery && i % burstEvery == 0) {
            source->emitFrame(at + 2000, i); // a duplicate delivery right behind
            ++sent;
        }
    }
    pipeline.stop();
    QCOMPARE(pts.size(), frames); // one packet per slot from the first to the last frame
    for (int n = 0; n < pts.size(); ++n)
        QCOMPARE(pts[n], origin + qint64(n) * 1'000'000 / fps);
    qInfo("%lld frames delivered -> %lld on the grid", static_cast<long long>(sent), static_cast<long long>(pts.size()));
}

void TestFrameGrid::encodingOffThenOnKeepsTimeMovingForward()
{
    auto owned = std::make_unique<ScriptedSource>(QSize(160, 90), 30);
    ScriptedSource *source = owned.get();
    PublishPipeline pipeline(std::move(owned), nullptr, Track::CameraVideo, VideoEncoderSettings{});
    QList<MediaPacket> packets;
    int previews = 0;
    connect(&pipeline, &PublishPipeline::packetReady, this, [&packets](const MediaPacket &p) { packets << p; });
    connect(&pipeline, &PublishPipeline::previewReady, this, [&previews](const QImage &) { ++previews; });
    pipeline.setPreviewEnabled(true);
    pipeline.start(); // capture and preview only: nothing is encoded
    QVERIFY(!pipeline.isEncoding());
    for (int i = 0; i < 30; ++i)
        source->emitFrame(1'000'000 + i * 33'333, i);
    QCOMPARE(packets.size(), 0);
    QVERIFY(previews > 0);
    QVERIFY(pipeline.setEncoding(true).ok());
    QVERIFY(!pipeline.encoderName().isEmpty());
    for (int i = 30; i < 60; ++i)
        source->emitFrame(1'000'000 + i * 33'333, i);
    QVERIFY(pipeline.setEncoding(false).ok()); // flushes: every frame leaves
    QCOMPARE(packets.size(), 30);
    QVERIFY(pipeline.encoderName().isEmpty());
    for (int i = 60; i < 90; ++i)
        source->emitFrame(1'000'000 + i * 33'333, i);
    QCOMPARE(packets.size(), 30);
    QVERIFY(pipeline.setEncoding(true).ok());
    for (int i = 90; i < 100; ++i)
        source->emitFrame(1'000'000 + i * 33'333, i);
    pipeline.stop();
    QCOMPARE(packets.size(), 40);
    QVERIFY(packets[30].key); // a new encoder starts with a key frame
    for (int i = 1; i < packets.size(); ++i)
        QVERIFY(packets[i].ptsUs > packets[i - 1].ptsUs);
}

QTEST_GUILESS_MAIN(TestFrameGrid)
#include "tst_framegrid.moc"
