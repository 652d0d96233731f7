// FragmentedMp4Writer keeps its memory bounded whatever the publisher sends: a long run of
// non-key frames whose timestamps barely move (so the 1 s fragment duration never comes)
// still reaches the disk fragment by fragment, at most kMaxFragmentBytes at a time.
#include "mp4inspector.h"

#include "media/h264encoder.h"
#include "media/testpatternpainter.h"
#include "recording/fragmentedmp4writer.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

class TestFragmentedMp4Writer : public QObject {
    Q_OBJECT
private slots:
    void nonKeyFloodIsFlushedAtTheSizeCap();
};

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

QTEST_GUILESS_MAIN(TestFragmentedMp4Writer)
#include "tst_fragmentedmp4writer.moc"
