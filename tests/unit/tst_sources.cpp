// Every capture source delivers frames headless: test sources always, the screen under
// Xvfb (scripts/test.sh provides one), camera and microphone only where the machine has
// them — otherwise the test says so and skips; it never fakes a pass.
#include "media/camerasource.h"
#include "media/devicescreensource.h"
#include "media/microphonesource.h"
#include "media/pipelinethread.h"
#include "media/screengrabsource.h"
#include "media/testpatternsource.h"
#include "media/testtonesource.h"

#include <QGuiApplication>
#include <QScreen>
#include <QtTest>

using namespace roomrec;

class TestSources : public QObject {
    Q_OBJECT
private slots:
    void testPatternPacedAndLabelled();
    void testToneBeepsWithTheFlash();
    void screenGrabber_data();
    void screenGrabber();
    void qtScreenGrab();
    void qtScreenGrabStopsWhileTheGuiThreadWaits();
    void camera();
    void microphone();

private:
    static int countFrames(VideoSource &source, int ms, QSize *size = nullptr);
};

int TestSources::countFrames(VideoSource &source, int ms, QSize *size)
{
    int frames = 0;
    QObject::connect(&source, &VideoSource::frameCaptured, [&](AVFrame *f, qint64) {
        ++frames;
        if (size)
            *size = QSize(f->width, f->height);
    });
    const Status s = source.start();
    if (!s)
        qWarning() << s.error().toString();
    QTest::qWait(ms);
    source.stop();
    return frames;
}

void TestSources::testPatternPacedAndLabelled()
{
    MediaClock clock;
    TestPatternSource pattern(clock, QSize(640, 360), 30, QStringLiteral("Test pattern (no camera)"));
    QVERIFY(pattern.isTestSource());
    QVERIFY(pattern.description().contains(QStringLiteral("Test pattern")));
    QList<qint64> times;
    connect(&pattern, &VideoSource::frameCaptured, this, [&](AVFrame *, qint64 us) { times << us; });
    QVERIFY(pattern.start().ok());
    QTest::qWait(1000);
    pattern.stop();
    QVERIFY2(times.size() >= 27 && times.size() <= 31, qPrintable(QString::number(times.size())));
    for (int i = 1; i < times.size(); ++i)
        QVERIFY(qAbs(times[i] - times[i - 1] - 33333) <= 1); // stamps on the frame grid, no jitter
}

void TestSources::testToneBeepsWithTheFlash()
{
    MediaClock clock;
    TestToneSource tone(clock);
    QVERIFY(tone.isTestSource());
    qint64 samples = 0;
    double loudFirst10ms = 0;
    connect(&tone, &AudioSource::samplesCaptured, this, [&](const qint16 *s, int n, qint64) {
        for (int i = 0; i < n; ++i, ++samples) {
            if (samples < 480)
                loudFirst10ms = qMax(loudFirst10ms, qAbs(s[i * 2]) / 32767.0);
        }
    });
    QVERIFY(tone.start().ok());
    QTest::qWait(500);
    tone.stop();
    QVERIFY2(qAbs(samples - 24000) < 2400, qPrintable(QString::number(samples)));
    QVERIFY(loudFirst10ms > 0.4); // the beep starts at sample 0, with the first flash frame
}

void TestSources::screenGrabber_data()
{
    QTest::addColumn<QRect>("region");
    QTest::newRow("whole screen") << QRect();
    QTest::newRow("region 640x360+100+50") << QRect(100, 50, 640, 360);
}

void TestSources::screenGrabber()
{
    QFETCH(QRect, region);
    if (!DeviceScreenSource::isAvailable())
        QSKIP(qPrintable(DeviceScreenSource::grabberName() + QStringLiteral(" is not in this FFmpeg build")));
    if (DeviceScreenSource::grabberName() == QLatin1String("x11grab") && qEnvironmentVariableIsEmpty("DISPLAY"))
        QSKIP("no X display: run under Xvfb (scripts/test.sh does)");
    MediaClock clock;
    DeviceScreenSource screen(clock, ScreenRegion{QString(), region, true}, 15);
    QVERIFY(!screen.isTestSource());
    QSize size;
    const int frames = countFrames(screen, 1000, &size);
    QVERIFY2(frames >= 10, qPrintable(QString::number(frames)));
    if (!region.isEmpty())
        QCOMPARE(size, region.size());
    QCOMPARE(size, screen.frameSize());
    QVERIFY(size.width() % 2 == 0 && size.height() % 2 == 0);
}

void TestSources::qtScreenGrab()
{
    if (!ScreenGrabSource::isAvailable())
        QSKIP(qPrintable(QStringLiteral("Qt cannot grab the screen on the '%1' platform: run under Xvfb (scripts/test.sh does)")
                             .arg(QGuiApplication::platformName())));
    MediaClock clock;
    ScreenGrabSource screen(clock, QGuiApplication::primaryScreen(), ScreenRegion{}, 10);
    const int frames = countFrames(screen, 1000);
    QVERIFY2(frames >= 5, qPrintable(QString::number(frames)));
}

// The Qt screen grab runs on the GUI thread for a capture living in a worker. Stopping
// the worker from the GUI thread while it waits (PipelineThread::stop blocks) used to
// deadlock when a grab was on its way; now the grabs are posted, never waited for.
void TestSources::qtScreenGrabStopsWhileTheGuiThreadWaits()
{
    if (!ScreenGrabSource::isAvailable())
        QSKIP(qPrintable(QStringLiteral("Qt cannot grab the screen on the '%1' platform: run with QT_QPA_PLATFORM=xcb under Xvfb")
                             .arg(QGuiApplication::platformName())));
    MediaClock clock;
    for (int round = 0; round < 5; ++round) {
        auto source = std::make_unique<ScreenGrabSource>(clock, QGuiApplication::primaryScreen(), ScreenRegion{}, 30);
        VideoEncoderSettings settings;
        settings.preset = QStringLiteral("ultrafast");
        auto pipeline = std::make_unique<PublishPipeline>(std::move(source), nullptr, Track::SubStreamVideo, settings);
        QVERIFY(pipeline->open().ok());
        qint64 packets = 0;
        QObject receiver; // destroyed before `packets`, with any packet still queued to it
        connect(pipeline.get(), &PublishPipeline::packetReady, &receiver, [&packets](const MediaPacket &) { ++packets; });
        PipelineThread thread(std::move(pipeline));
        thread.start();
        QTRY_VERIFY_WITH_TIMEOUT(packets > round, 10'000);
        thread.stop(); // returns: nothing in the worker waits for this thread
    }
}

void TestSources::camera()
{
    const auto cameras = CameraSource::devices();
    if (cameras.isEmpty())
        QSKIP("this machine has no camera (QMediaDevices::videoInputs() is empty); the app uses the labelled test pattern");
    MediaClock clock;
    CameraSource camera(clock, cameras.first());
    QVERIFY(!camera.isTestSource());
    const int frames = countFrames(camera, 3000);
    QVERIFY2(frames > 10, qPrintable(QString::number(frames)));
}

void TestSources::microphone()
{
    const auto microphones = MicrophoneSource::devices();
    if (microphones.isEmpty())
        QSKIP("this machine has no microphone (QMediaDevices::audioInputs() is empty); the app uses the labelled test tone");
    MediaClock clock;
    MicrophoneSource mic(clock, microphones.first());
    qint64 samples = 0;
    connect(&mic, &AudioSource::samplesCaptured, this, [&](const qint16 *, int n, qint64) { samples += n; });
    QVERIFY(mic.start().ok());
    QTest::qWait(1000);
    mic.stop();
    QVERIFY(samples > mic.sampleRate() / 2);
}

int main(int argc, char *argv[])
{
    // A real X display when there is one (screen grabs), else offscreen.
    if (!qEnvironmentVariableIsEmpty("DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "xcb");
    QGuiApplication app(argc, argv);
    TestSources test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_sources.moc"
