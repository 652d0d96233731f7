// Decoding is the mirror of encoding: the test pattern and the test tone go through the
// real encoders and come back through the decoders, counted and compared; the jitter
// buffer puts a shuffled, jittery arrival back in order and on time; the mixer sums
// members' sound; the playout consumes it (through the labelled test sink here).
#include "media/aacencoder.h"
#include "media/audiomixer.h"
#include "media/audioplayout.h"
#include "media/ffmpegaudiodecoder.h"
#include "media/ffmpegvideodecoder.h"
#include "media/h264encoder.h"
#include "media/jitterbuffer.h"
#include "media/testpatternpainter.h"

#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace roomrec;

class TestDecoders : public QObject {
    Q_OBJECT
private slots:
    void h264RoundTrip_data();
    void h264RoundTrip();
    void aacRoundTrip();
    void jitterBufferRestoresOrderAndTiming();
    void mixerSumsAndSaturates();
    void playoutConsumesAtTheRealTimeRate();
};

namespace {
double psnrY(const AVFrame *a, const AVFrame *b)
{
    double se = 0;
    for (int y = 0; y < a->height; ++y) {
        const uint8_t *ra = a->data[0] + qsizetype(y) * a->linesize[0];
        const uint8_t *rb = b->data[0] + qsizetype(y) * b->linesize[0];
        for (int x = 0; x < a->width; ++x) {
            const double d = double(ra[x]) - double(rb[x]);
            se += d * d;
        }
    }
    const double mse = se / (double(a->width) * a->height);
    return mse <= 0 ? 99.0 : 10.0 * std::log10(255.0 * 255.0 / mse);
}
} // namespace

void TestDecoders::h264RoundTrip_data()
{
    QTest::addColumn<bool>("preferHardware");
    QTest::newRow("software") << false;
    QTest::newRow("hardware first, software fallback") << true;
}

void TestDecoders::h264RoundTrip()
{
    QFETCH(bool, preferHardware);
    VideoEncoderSettings settings;
    settings.size = QSize(320, 180);
    settings.bitrate = 800'000;
    settings.gopFrames = 30;
    H264Encoder encoder;
    QVERIFY(encoder.open(settings).ok());
    VideoParams params;
    params.width = 320;
    params.height = 180;
    params.extradata = encoder.extradata();
    FfmpegVideoDecoder decoder(preferHardware);
    QVERIFY(decoder.open(params).ok());
    qInfo("decoder %s%s", qPrintable(decoder.decoderName()),
          decoder.fallbackReasons().isEmpty() ? "" : qPrintable(QStringLiteral(" (tried: ") + decoder.fallbackReasons().join(QStringLiteral("; ")) + QLatin1Char(')')));
    QCOMPARE(decoder.isHardware(), !decoder.decoderName().contains(QLatin1String("software")));

    const int frames = 60;
    std::vector<AvFramePtr> originals;
    QList<qint64> encodedPts;
    std::vector<DecodedVideoFrame> decoded;
    for (int i = 0; i < frames; ++i) {
        AvFramePtr f(av_frame_alloc());
        f->format = AV_PIX_FMT_YUV420P;
        f->width = 320;
        f->height = 180;
        QVERIFY(av_frame_get_buffer(f.get(), 0) >= 0);
        TestPatternPainter::paint(f.get(), i, i * 33, i % 30 == 0);
        AvFramePtr copy(av_frame_clone(f.get()));
        QVERIFY(av_frame_make_writable(copy.get()) >= 0); // our own pixels, whatever the encoder keeps
        originals.push_back(std::move(copy));
        auto packets = encoder.encode(f.get(), 1'000'000 + i * 33'333, false, Track::CameraVideo);
        QVERIFY(packets.ok());
        for (const MediaPacket &p : packets.value()) {
            encodedPts << p.ptsUs;
            auto out = decoder.decode(p);
            QVERIFY2(out.ok(), qPrintable(out.ok() ? QString() : out.error().message));
            for (auto &d : out.value())
                decoded.push_back(std::move(d));
        }
    }
    auto tail = encoder.flush(Track::CameraVideo);
    QVERIFY(tail.ok());
    for (const MediaPacket &p : tail.value()) {
        encodedPts << p.ptsUs;
        auto out = decoder.decode(p);
        QVERIFY(out.ok());
        for (auto &d : out.value())
            decoded.push_back(std::move(d));
    }
    auto rest = decoder.flush();
    QVERIFY(rest.ok());
    for (auto &d : rest.value())
        decoded.push_back(std::move(d));

    // Every frame back, in order, with its timestamp and its picture.
    QCOMPARE(int(decoded.size()), frames);
    double worst = 99;
    for (int i = 0; i < frames; ++i) {
        QCOMPARE(decoded[size_t(i)].ptsUs, encodedPts[i]);
        QCOMPARE(decoded[size_t(i)].frame->width, 320);
        QCOMPARE(decoded[size_t(i)].frame->height, 180);
        worst = qMin(worst, psnrY(originals[size_t(i)].get(), decoded[size_t(i)].frame.get()));
    }
    qInfo("%d frames decoded, worst luma PSNR %.1f dB", frames, worst);
    QVERIFY2(worst > 28.0, qPrintable(QString::number(worst)));
}

void TestDecoders::aacRoundTrip()
{
    // 1 s of a 1 kHz tone at half scale, stereo 48 kHz, in 10 ms blocks as the sources send.
    const int rate = 48000, channels = 2, seconds = 1;
    QVector<qint16> input(rate * seconds * channels);
    for (int i = 0; i < rate * seconds; ++i) {
        const auto v = qint16(std::lround(0.5 * 32767 * std::sin(2 * M_PI * 1000.0 * i / rate)));
        input[i * 2] = input[i * 2 + 1] = v;
    }
    AacEncoder encoder;
    QVERIFY(encoder.open(AudioEncoderSettings{}, rate, channels).ok());
    AudioParams params;
    params.extradata = encoder.extradata();
    FfmpegAudioDecoder decoder;
    QVERIFY(decoder.open(params, rate, channels).ok());
    QVector<qint16> output;
    qint64 lastPts = -1;
    bool ordered = true;
    auto take = [&](const Result<QList<MediaPacket>> &packets) {
        QVERIFY(packets.ok());
        for (const MediaPacket &p : packets.value()) {
            auto blocks = decoder.decode(p);
            QVERIFY(blocks.ok());
            for (const DecodedAudio &b : blocks.value()) {
                ordered = ordered && b.ptsUs > lastPts;
                lastPts = b.ptsUs;
                output += b.samples;
            }
        }
    };
    const int block = rate / 100;
    for (int start = 0; start < rate * seconds; start += block)
        take(encoder.encode(input.constData() + start * channels, block, 1'000'000 + qint64(start) * 1'000'000 / rate));
    take(encoder.flush());
    QVERIFY(ordered);
    const int frames = int(output.size() / channels);
    // Whole 1024-sample frames: at most one frame of padding and one of priming more.
    QVERIFY2(frames >= rate * seconds && frames <= rate * seconds + 3 * 1024, qPrintable(QString::number(frames)));
    // The tone is there: its level, and its pitch by zero crossings, in the middle 0.5 s.
    double energy = 0;
    int crossings = 0;
    const int from = rate / 4, to = rate * 3 / 4;
    for (int i = from; i < to; ++i) {
        const double v = output[i * 2] / 32767.0;
        energy += v * v;
        if ((output[i * 2] >= 0) != (output[(i - 1) * 2] >= 0))
            ++crossings;
    }
    const double rms = std::sqrt(energy / (to - from));
    qInfo("%d frames back from %d, rms %.3f (0.354 sent), %d zero crossings in 0.5 s (1000 expected)", frames,
          rate * seconds, rms, crossings);
    QVERIFY(qAbs(rms - 0.5 / std::sqrt(2.0)) < 0.05);
    QVERIFY(qAbs(crossings - 1000) <= 10);
}

void TestDecoders::jitterBufferRestoresOrderAndTiming()
{
    JitterBuffer buffer(100'000);
    // 50 packets 20 ms apart, arriving with up to 60 ms of jitter, some swapped.
    QList<QPair<qint64, MediaPacket>> arrivals;
    for (int i = 0; i < 50; ++i) {
        MediaPacket p;
        p.track = Track::CameraAudio;
        p.ptsUs = p.dtsUs = 5'000'000 + i * 20'000;
        p.data = QByteArray(1, char(i));
        const qint64 jitter = (i * 37) % 61 * 1000;
        arrivals << qMakePair(10'000'000 + i * 20'000 + jitter, p);
    }
    std::stable_sort(arrivals.begin(), arrivals.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    QList<MediaPacket> out;
    QList<qint64> releasedAt;
    qint64 now = 10'000'000;
    int next = 0;
    for (; now < 12'000'000; now += 5'000) {
        while (next < arrivals.size() && arrivals[next].first <= now) {
            buffer.push(arrivals[next].second, arrivals[next].first);
            ++next;
        }
        for (const MediaPacket &p : buffer.pop(now)) {
            out << p;
            releasedAt << now;
        }
    }
    QCOMPARE(out.size(), 50);
    QCOMPARE(buffer.lateDrops(), 0);
    for (int i = 0; i < out.size(); ++i) {
        QCOMPARE(out[i].data.at(0), char(i));
        // Released at its playout time (within one 5 ms poll), never early.
        const qint64 due = buffer.playoutTimeUs(out[i].dtsUs);
        QVERIFY(releasedAt[i] >= due && releasedAt[i] < due + 5'000);
    }
    // A packet older than what already left is dropped and counted.
    MediaPacket stale;
    stale.ptsUs = stale.dtsUs = 5'000'000;
    buffer.push(stale, now);
    QCOMPARE(buffer.lateDrops(), 1);
    QCOMPARE(buffer.size(), 0);
}

void TestDecoders::mixerSumsAndSaturates()
{
    AudioMixer mixer(48000, 1);
    mixer.addSource(QStringLiteral("alice"));
    mixer.addSource(QStringLiteral("bob"));
    const qint16 a[4] = {1000, -1000, 30000, -30000};
    const qint16 b[2] = {500, 500};
    mixer.push(QStringLiteral("alice"), a, 4);
    mixer.push(QStringLiteral("bob"), b, 2);
    const QVector<qint16> mixed = mixer.mix(4);
    QCOMPARE(mixed, (QVector<qint16>{1500, -500, 30000, -30000}));
    QCOMPARE(mixer.underruns(), 1); // bob had 2 of 4
    mixer.push(QStringLiteral("alice"), a + 2, 1);
    mixer.push(QStringLiteral("bob"), a + 2, 1);
    QCOMPARE(mixer.mix(1), (QVector<qint16>{32767})); // saturated, not wrapped
    mixer.removeSource(QStringLiteral("bob"));
    QCOMPARE(mixer.sources(), QStringList{QStringLiteral("alice")});
    QCOMPARE(mixer.mix(2), (QVector<qint16>{0, 0})); // silence when nobody speaks
}

void TestDecoders::playoutConsumesAtTheRealTimeRate()
{
    AudioMixer mixer(48000, 2);
    mixer.addSource(QStringLiteral("alice"));
    QVector<qint16> second(48000 * 2, 1000);
    mixer.push(QStringLiteral("alice"), second.constData(), 48000);
    AudioPlayout playout(mixer, {}, true);
    QVERIFY(playout.isTestSink());
    QVERIFY(playout.description().contains(QLatin1String("Test sink")));
    playout.start();
    QTRY_VERIFY_WITH_TIMEOUT(playout.framesPlayed() >= 24000, 5000);
    QVERIFY(mixer.queuedFrames(QStringLiteral("alice")) < 48000); // taken from the mixer
    playout.stop();
}

QTEST_GUILESS_MAIN(TestDecoders)
#include "tst_decoders.moc"
