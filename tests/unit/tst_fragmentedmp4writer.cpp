// FragmentedMp4Writer keeps its memory bounded whatever the publisher sends: a long run of
// non-key frames whose timestamps barely move (so the 1 s fragment duration never comes)
// still reaches the disk fragment by fragment, at most kMaxFragmentBytes at a time.
#include "mp4inspector.h"

#include "media/h264encoder.h"
#include "media/testpatternpainter.h"
#include "protocol/errorcode.h"
#include "recording/fragmentedmp4writer.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

class TestFragmentedMp4Writer : public QObject {
    Q_OBJECT
private slots:
    void nonKeyFloodIsFlushedAtTheSizeCap();
    void avccExtradataRecordsAPlayableFile();
    void malformedAvccIsRefused();
};

namespace {
// SPS and PPS from Annex B extradata, as an avcC record (what some publishers send).
QByteArray avccFromAnnexB(const QByteArray &annexB)
{
    QList<QByteArray> sps, pps;
    for (QByteArray nal : annexB.split('\x01')) {
        while (nal.endsWith('\x00'))
            nal.chop(1);
        if (nal.isEmpty())
            continue;
        ((nal.at(0) & 0x1f) == 7 ? sps : pps) << nal;
    }
    QByteArray out;
    out += char(1);
    out += sps.first().mid(1, 3);
    out += char(0xff);
    out += char(0xe0 | sps.size());
    for (const QByteArray &n : sps)
        out += char(n.size() >> 8) + QByteArray(1, char(n.size() & 0xff)) + n;
    out += char(pps.size());
    for (const QByteArray &n : pps)
        out += char(n.size() >> 8) + QByteArray(1, char(n.size() & 0xff)) + n;
    return out;
}
} // namespace

void TestFragmentedMp4Writer::nonKeyFloodIsFlushedAtTheSizeCap()
{
    // One real key frame and one real P frame from the encoder.
    VideoEncoderSettings settings;
    settings.size = QSize(320, 180);
    settings.gopFrames = 1000;
    H264Encoder encoder;
    QVERIFY(encoder.open(settings).ok());
    AvFramePtr yuv(av_frame_alloc());
    yuv->format = AV_PIX_FMT_YUV420P;
    yuv->width = 320;
    yuv->height = 180;
    QVERIFY(av_frame_get_buffer(yuv.get(), 0) >= 0);
    QList<MediaPacket> packets;
    for (int i = 0; i < 2; ++i) {
        TestPatternPainter::paint(yuv.get(), i, i * 33, false);
        auto out = encoder.encode(yuv.get(), i * 33'333, i == 0, Track::CameraVideo);
        QVERIFY(out.ok());
        packets << out.value();
    }
    QCOMPARE(packets.size(), 2);
    QVERIFY(packets[0].key && !packets[1].key);
    // The P frame, made 10 KB with a filler-data NAL unit (type 12): valid H.264, big bytes.
    MediaPacket heavy = packets[1];
    heavy.data += QByteArray("\x00\x00\x01\x0c", 4) + QByteArray(10 * 1024, '\xff') + QByteArray("\x80", 1);

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("flood.mp4"));
    VideoParams video;
    video.width = 320;
    video.height = 180;
    video.frameRateNum = 30;
    video.frameRateDen = 1;
    video.extradata = encoder.extradata();
    // An audio track is declared but never fed: the muxer's interleaving queue would wait for it.
    AudioParams audio;
    audio.sampleRate = 48000;
    audio.channels = 2;
    audio.extradata = QByteArray("\x11\x90", 2); // AAC-LC, 48 kHz, stereo
    FragmentedMp4Writer writer;
    QVERIFY(writer.open(path, video, audio).ok());
    MediaPacket key = packets[0];
    key.durationUs = 100;
    QVERIFY(writer.write(key, 0, 0).ok());
    constexpr int kFlood = 3000; // ~30 MB within 0.3 s of media time
    heavy.durationUs = 100;
    for (int i = 1; i <= kFlood; ++i)
        QVERIFY(writer.write(heavy, i * 100, i * 100).ok());
    // Before the trailer, most of it is on disk already: the muxer held one fragment at most.
    const qint64 onDisk = QFileInfo(path).size();
    const qint64 sent = qint64(kFlood) * heavy.data.size();
    QVERIFY2(sent - onDisk <= FragmentedMp4Writer::kMaxFragmentBytes + 64 * 1024,
             qPrintable(QStringLiteral("sent %1 bytes, %2 on disk").arg(sent).arg(onDisk)));
    QVERIFY(writer.finish().ok());
    const Mp4Report report = Mp4Inspector::inspect(path);
    QVERIFY2(report.opened, qPrintable(report.error));
    QCOMPARE(report.videoFramesDecoded, kFlood + 1);
}

void TestFragmentedMp4Writer::avccExtradataRecordsAPlayableFile()
{
    VideoEncoderSettings settings;
    settings.size = QSize(320, 180);
    settings.gopFrames = 10;
    H264Encoder encoder;
    QVERIFY(encoder.open(settings).ok());
    VideoParams sent;
    sent.width = 320;
    sent.height = 180;
    sent.frameRateNum = 30;
    sent.frameRateDen = 1;
    sent.extradata = avccFromAnnexB(encoder.extradata());
    QCOMPARE(quint8(sent.extradata.at(0)), quint8(1));
    // What the server receives is kept as Annex B, like the packets.
    auto received = VideoParams::fromCbor(sent.toCbor());
    QVERIFY(received.ok());
    QCOMPARE(received->extradata.count(QByteArray("\x00\x00\x00\x01", 4)), 2);

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("avcc.mp4"));
    FragmentedMp4Writer writer;
    QVERIFY(writer.open(path, received.value(), std::nullopt).ok());
    AvFramePtr yuv(av_frame_alloc());
    yuv->format = AV_PIX_FMT_YUV420P;
    yuv->width = 320;
    yuv->height = 180;
    QVERIFY(av_frame_get_buffer(yuv.get(), 0) >= 0);
    constexpr int kFrames = 30;
    for (int i = 0; i < kFrames; ++i) {
        TestPatternPainter::paint(yuv.get(), i, i * 33, false);
        auto out = encoder.encode(yuv.get(), i * 33'333, i == 0, Track::CameraVideo);
        QVERIFY(out.ok());
        for (MediaPacket p : out.value()) {
            p.durationUs = 33'333;
            QVERIFY(writer.write(p, p.ptsUs, p.dtsUs).ok());
        }
    }
    QVERIFY(writer.finish().ok());
    const Mp4Report report = Mp4Inspector::inspect(path);
    QVERIFY2(report.opened, qPrintable(report.error));
    QCOMPARE(report.videoFramesDecoded, kFrames);
    QCOMPARE(report.decodeErrors, 0);
}

void TestFragmentedMp4Writer::malformedAvccIsRefused()
{
    VideoParams sent;
    sent.width = 320;
    sent.height = 180;
    sent.frameRateNum = 30;
    sent.frameRateDen = 1;
    sent.extradata = QByteArray("\x01\x42\xc0\x1e\xff\xe1\x00\x40\x67", 9); // SPS length past the end
    auto received = VideoParams::fromCbor(sent.toCbor());
    QVERIFY(!received.ok());
    QCOMPARE(received.error().code, int(ErrorCode::InvalidStreamParams));
}

QTEST_GUILESS_MAIN(TestFragmentedMp4Writer)
#include "tst_fragmentedmp4writer.moc"
