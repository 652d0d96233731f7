#include "media/aacencoder.h"
#include "media/h264encoder.h"
#include "media/testpatternpainter.h"

#include <QtTest>

extern "C" {
#include <libavcodec/avcodec.h>
}

using namespace roomrec;

class TestEncoders : public QObject {
    Q_OBJECT
private slots:
    void h264DecodesAndHonoursKeyFrameRequests_data();
    void h264DecodesAndHonoursKeyFrameRequests();
    void h264RefusesBadSettings();
    void hardwarePreferenceFallsBackToSoftware();
    void aacTimestampsFollowSamples();
};

void TestEncoders::h264DecodesAndHonoursKeyFrameRequests_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<int>("sourceFormat");
    QTest::newRow("640x360 yuv420p") << QSize(640, 360) << int(AV_PIX_FMT_YUV420P);
    QTest::newRow("1280x720 from nv12 (swscale)") << QSize(1280, 720) << int(AV_PIX_FMT_NV12);
}

void TestEncoders::h264DecodesAndHonoursKeyFrameRequests()
{
    QFETCH(QSize, size);
    QFETCH(int, sourceFormat);
    VideoEncoderSettings settings;
    settings.size = size;
    settings.gopFrames = 300; // no natural key frame inside the test: only requested ones
    H264Encoder encoder;
    QVERIFY(encoder.open(settings).ok());
    QVERIFY(!encoder.extradata().isEmpty());

    AvFramePtr yuv(av_frame_alloc());
    yuv->format = AV_PIX_FMT_YUV420P;
    yuv->width = size.width();
    yuv->height = size.height();
    QVERIFY(av_frame_get_buffer(yuv.get(), 0) >= 0);
    AvFramePtr source(av_frame_alloc());
    source->format = sourceFormat;
    source->width = size.width();
    source->height = size.height();
    QVERIFY(av_frame_get_buffer(source.get(), 0) >= 0);
    SwsContextPtr toSource(sws_getContext(size.width(), size.height(), AV_PIX_FMT_YUV420P, size.width(), size.height(),
                                          AVPixelFormat(sourceFormat), SWS_POINT, nullptr, nullptr, nullptr));

    const AVCodec *h264 = avcodec_find_decoder(AV_CODEC_ID_H264);
    AvCodecContextPtr decoder(avcodec_alloc_context3(h264));
    // SPS/PPS travel out of band (as in MP4): the decoder gets them as extradata.
    const QByteArray extradata = encoder.extradata();
    decoder->extradata = static_cast<uint8_t *>(av_mallocz(size_t(extradata.size()) + AV_INPUT_BUFFER_PADDING_SIZE));
    memcpy(decoder->extradata, extradata.constData(), size_t(extradata.size()));
    decoder->extradata_size = int(extradata.size());
    QVERIFY(avcodec_open2(decoder.get(), h264, nullptr) >= 0);
    AvPacketPtr pkt(av_packet_alloc());
    AvFramePtr decoded(av_frame_alloc());
    int decodedFrames = 0;
    QList<int> keyFrames;
    const QList<int> requested{0, 17, 18, 40};
    constexpr int kFrames = 60;
    for (int i = 0; i < kFrames; ++i) {
        TestPatternPainter::paint(yuv.get(), i, i * 33, i % 30 == 0);
        sws_scale(toSource.get(), yuv->data, yuv->linesize, 0, size.height(), source->data, source->linesize);
        auto packets = encoder.encode(source.get(), 1'000'000 + i * 33'333, requested.contains(i), Track::CameraVideo);
        QVERIFY(packets.ok());
        // Zero-latency: each frame comes straight out, so "within one frame" is exact.
        QCOMPARE(packets->size(), 1);
        const MediaPacket &p = packets->first();
        QCOMPARE(p.ptsUs, 1'000'000 + i * 33'333);
        if (p.key)
            keyFrames << i;
        pkt->data = reinterpret_cast<uint8_t *>(const_cast<char *>(p.data.constData()));
        pkt->size = int(p.data.size());
        QCOMPARE(avcodec_send_packet(decoder.get(), pkt.get()), 0);
        while (avcodec_receive_frame(decoder.get(), decoded.get()) == 0)
            ++decodedFrames;
    }
    avcodec_send_packet(decoder.get(), nullptr);
    while (avcodec_receive_frame(decoder.get(), decoded.get()) == 0)
        ++decodedFrames;
    QCOMPARE(decodedFrames, kFrames);
    QCOMPARE(keyFrames, requested);
}

void TestEncoders::h264RefusesBadSettings()
{
    VideoEncoderSettings odd;
    odd.size = QSize(641, 360);
    H264Encoder encoder;
    QVERIFY(!encoder.open(odd).ok());
    VideoEncoderSettings unknown;
    unknown.encoder = QStringLiteral("no-such-encoder");
    QVERIFY(encoder.open(unknown).ok()); // falls back to the next available encoder
}

void TestEncoders::hardwarePreferenceFallsBackToSoftware()
{
    VideoEncoderSettings settings;
    settings.encoder = QStringLiteral("hardware");
    H264Encoder encoder;
    QVERIFY(encoder.open(settings).ok());
    // On a machine without a GPU every hardware encoder fails to open and x264 takes over;
    // with one, a hardware encoder opens. Either way frames come out.
    qInfo() << "encoder chosen:" << encoder.encoderName();
    QVERIFY(!encoder.encoderName().isEmpty());
    AvFramePtr frame(av_frame_alloc());
    frame->format = AV_PIX_FMT_YUV420P;
    frame->width = 640;
    frame->height = 360;
    QVERIFY(av_frame_get_buffer(frame.get(), 0) >= 0);
    int packets = 0;
    for (int i = 0; i < 10; ++i) {
        TestPatternPainter::paint(frame.get(), i, i * 33, false);
        auto out = encoder.encode(frame.get(), i * 33'333, i == 0, Track::CameraVideo);
        QVERIFY(out.ok());
        packets += int(out->size());
    }
    auto tail = encoder.flush(Track::CameraVideo);
    QVERIFY(tail.ok());
    QCOMPARE(packets + int(tail->size()), 10);
}

void TestEncoders::aacTimestampsFollowSamples()
{
    AacEncoder encoder;
    QVERIFY(encoder.open(AudioEncoderSettings{}, 44100, 1).ok()); // mono 44.1 kHz in: resampled
    QVERIFY(!encoder.extradata().isEmpty());
    QVector<qint16> block(441); // 10 ms blocks at 44.1 kHz
    QList<MediaPacket> packets;
    for (int i = 0; i < 200; ++i) {
        for (int s = 0; s < block.size(); ++s)
            block[s] = qint16(8000 * std::sin(2 * M_PI * 440 * (i * 441 + s) / 44100.0));
        auto out = encoder.encode(block.constData(), int(block.size()), 1'000'000 + i * 10'000);
        QVERIFY(out.ok());
        packets += out.value();
    }
    auto tail = encoder.flush();
    QVERIFY(tail.ok());
    packets += tail.value();
    QVERIFY(packets.size() >= 90); // 2 s at 48 kHz / 1024 = 93.75 frames
    for (int i = 1; i < packets.size(); ++i) {
        // 1024 samples at 48 kHz = 21333.3 µs; rounding to µs may add one.
        const qint64 step = packets[i].ptsUs - packets[i - 1].ptsUs;
        QVERIFY2(step == 21333 || step == 21334, qPrintable(QString::number(step)));
        QCOMPARE(int(packets[i].track), int(Track::CameraAudio));
    }
}

QTEST_GUILESS_MAIN(TestEncoders)
#include "tst_encoders.moc"
