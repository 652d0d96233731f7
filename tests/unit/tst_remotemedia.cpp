// RemoteMedia's teardown: destroying it never waits for its decode thread, yet nothing the
// thread still does touches freed memory (run under ASan: the asan preset), and a thread
// still draining when the application ends is waited for, not destroyed running. Real
// H.264 and AAC from the real encoders, real decoders, the labelled test sink.
#include "common/drainingthread.h"
#include "client/remotemedia.h"
#include "media/aacencoder.h"
#include "media/h264encoder.h"
#include "media/testpatternpainter.h"

#include <QtTest>

#include <cmath>

using namespace roomrec;

namespace {
const QString kMember = QStringLiteral("alice");
constexpr int kFrames = 90; // 3 s at 30 fps
constexpr qint64 kOriginUs = 1'000'000;

int drainingThreads()
{
    return int(QCoreApplication::instance()->findChildren<DrainingThread *>().size());
}
} // namespace

class TestRemoteMedia : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void destroyedWhileDecoding_data();
    void destroyedWhileDecoding();
    void leftDrainingWhenTheApplicationEnds();
    void aDrainStillGoingWhenTheApplicationEnds();

private:
    QList<RemoteTrack> m_tracks;
    QList<MediaPacket> m_packets; // video and audio of the same 3 s, by dts
};

void TestRemoteMedia::initTestCase()
{
    VideoEncoderSettings video;
    video.size = QSize(320, 180);
    video.gopFrames = 30;
    H264Encoder h264;
    QVERIFY(h264.open(video).ok());
    AacEncoder aac;
    QVERIFY(aac.open(AudioEncoderSettings{}, 48000, 2).ok());
    const int block = 48000 / 30;
    QVector<qint16> tone(block * 2);
    for (int i = 0; i < kFrames; ++i) {
        AvFramePtr f(av_frame_alloc());
        f->format = AV_PIX_FMT_YUV420P;
        f->width = 320;
        f->height = 180;
        QVERIFY(av_frame_get_buffer(f.get(), 0) >= 0);
        TestPatternPainter::paint(f.get(), i, i * 33, i % 30 == 0);
        const qint64 at = kOriginUs + i * 33'333;
        auto v = h264.encode(f.get(), at, false, Track::CameraVideo);
        QVERIFY(v.ok());
        m_packets << v.value();
        for (int s = 0; s < block; ++s)
            tone[s * 2] = tone[s * 2 + 1] = qint16(8000 * std::sin(2 * M_PI * 440.0 * (i * block + s) / 48000));
        auto a = aac.encode(tone.constData(), block, at);
        QVERIFY(a.ok());
        m_packets << a.value();
    }
    std::stable_sort(m_packets.begin(), m_packets.end(), [](const MediaPacket &a, const MediaPacket &b) { return a.dtsUs < b.dtsUs; });
    RemoteTrack camera{kMember, Track::CameraVideo, VideoParams{}, std::nullopt, std::nullopt};
    camera.video->width = 320;
    camera.video->height = 180;
    camera.video->extradata = h264.extradata();
    RemoteTrack audio{kMember, Track::CameraAudio, std::nullopt, AudioParams{}, std::nullopt};
    audio.audio->extradata = aac.extradata();
    m_tracks = {camera, audio};
    QVERIFY(m_packets.size() > kFrames * 2);
}

void TestRemoteMedia::destroyedWhileDecoding_data()
{
    QTest::addColumn<int>("picturesFirst"); // decoded before the end; -1: destroyed at once
    QTest::addColumn<bool>("withAudio");
    QTest::newRow("destroyed at once, packets queued") << -1 << true;
    QTest::newRow("mid-decode, pictures held for their sound") << 10 << true;
    QTest::newRow("mid-decode, video only") << 10 << false;
}

void TestRemoteMedia::destroyedWhileDecoding()
{
    QFETCH(int, picturesFirst);
    QFETCH(bool, withAudio);
    const int rounds = 25;
    qint64 shown = 0;
    for (int round = 0; round < rounds; ++round) {
        auto media = std::make_unique<RemoteMedia>(RemoteMedia::Options{320, {}, true});
        QObject::connect(media.get(), &RemoteMedia::pictureDecoded, this, [&shown] { ++shown; });
        media->addTracks(withAudio ? m_tracks : m_tracks.mid(0, 1));
        // The packets keep arriving while it decodes: half now, the rest after the first
        // pictures, then it goes with most still queued or being decoded.
        const int half = int(m_packets.size() / 2);
        for (int i = 0; i < half; ++i)
            media->receive(kMember, m_packets[i]);
        if (picturesFirst >= 0)
            QTRY_VERIFY_WITH_TIMEOUT(media->picturesDecoded() >= picturesFirst, 20'000);
        for (int i = half; i < m_packets.size(); ++i)
            media->receive(kMember, m_packets[i]);
        media.reset();
    }
    // Every thread drains, ends and deletes itself (with its worker) once the loop runs.
    QTRY_COMPARE_WITH_TIMEOUT(drainingThreads(), 0, 30'000);
    if (picturesFirst >= 0 && !withAudio)
        QVERIFY(shown > 0); // shown as decoded while their RemoteMedia lived (with audio, held for ~100 ms)
}

void TestRemoteMedia::leftDrainingWhenTheApplicationEnds()
{
    // The application object owns the thread while it drains; its destruction after this
    // test waits for it (a QThread destroyed running would abort the process).
    auto media = std::make_unique<RemoteMedia>(RemoteMedia::Options{320, {}, true});
    media->addTracks(m_tracks);
    for (const MediaPacket &p : std::as_const(m_packets))
        media->receive(kMember, p);
    QTRY_VERIFY_WITH_TIMEOUT(media->picturesDecoded() > 0, 20'000);
    media.reset();
    QCOMPARE(drainingThreads(), 1);
}

void TestRemoteMedia::aDrainStillGoingWhenTheApplicationEnds()
{
    // The thread's own part, made certain: its worker is still busy (a job that takes a
    // while, as a decode does) when the application object goes, and its quitting is a
    // queued job behind that one. ~QCoreApplication must let that job through (it stops
    // delivering events to other threads after its post routines) and wait for the end:
    // a hang, an abort or a leaked worker (LeakSanitizer in the asan build) fails this run.
    auto *thread = new DrainingThread(QStringLiteral("roomrec-test-drain"));
    auto *worker = new QObject;
    worker->moveToThread(thread);
    connect(thread, &QThread::finished, worker, &QObject::deleteLater);
    thread->start();
    QMetaObject::invokeMethod(worker, [] { QThread::msleep(300); }, Qt::QueuedConnection);
    QMetaObject::invokeMethod(worker, [] { QThread::currentThread()->quit(); }, Qt::QueuedConnection);
    thread->release();
    QVERIFY(thread->isRunning());
    QCOMPARE(thread->parent(), QCoreApplication::instance());
}

QTEST_GUILESS_MAIN(TestRemoteMedia)
#include "tst_remotemedia.moc"
