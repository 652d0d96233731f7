// SegmentFileWriter hands the writer thread a batch that ends with the packet closing the
// muxer's open fragment, so each fragment is on disk as soon as that packet has been given
// to it, with no later packet needed (what a kill -9 may lose is the open fragment alone).
#include "media/h264encoder.h"
#include "media/testpatternpainter.h"
#include "recording/mp4fragmentbuilder.h"
#include "recording/segmentfilewriter.h"

#include <QFile>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QThread>
#include <QtEndian>
#include <QtTest>

#include <climits>

using namespace roomrec;

class TestSegmentFileWriter : public QObject {
    Q_OBJECT
private slots:
    void fragmentIsOnDiskWithThePacketThatClosesIt_data();
    void fragmentIsOnDiskWithThePacketThatClosesIt();
};

namespace {
// The top-level moof boxes in the file so far.
int fragmentsOnDisk(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray bytes = file.readAll();
    int fragments = 0;
    qsizetype pos = 0;
    while (pos + 8 <= bytes.size()) {
        qint64 size = qFromBigEndian<quint32>(bytes.constData() + pos);
        if (size == 1 && pos + 16 <= bytes.size())
            size = qFromBigEndian<qint64>(bytes.constData() + pos + 8);
        if (size < 8)
            break;
        if (bytes.mid(pos + 4, 4) == "moof")
            ++fragments;
        pos += size;
    }
    return fragments;
}
} // namespace

void TestSegmentFileWriter::fragmentIsOnDiskWithThePacketThatClosesIt_data()
{
    QTest::addColumn<int>("gopFrames");
    QTest::addColumn<int>("audioOffsetUs"); // audio dts against video; INT_MIN: no audio
    QTest::addColumn<int>("fragments");     // written up to the packet that closes the last
    // The first fragment is frame 0 alone; the second holds frames 1..14 and is closed by the
    // key frame 15 (0.5 s).
    QTest::newRow("a key frame closes it") << 15 << INT_MIN << 2;
    QTest::newRow("a second of media closes it") << 1000 << INT_MIN << 2;
    // With audio the muxer's fragments begin at whichever track's held packet moves first:
    // followed exactly, or the hand-over drifts a little further behind every second.
    QTest::newRow("ten seconds, audio a little behind") << 1000 << -7'000 << 11;
    QTest::newRow("ten seconds, audio a little ahead") << 1000 << 15'000 << 11;
    QTest::newRow("key frames every 2 s, audio") << 60 << -3'000 << 8;
}

void TestSegmentFileWriter::fragmentIsOnDiskWithThePacketThatClosesIt()
{
    QFETCH(int, gopFrames);
    QFETCH(int, audioOffsetUs);
    QFETCH(int, fragments);
    const bool withAudio = audioOffsetUs != INT_MIN;
    VideoEncoderSettings settings;
    settings.size = QSize(160, 90);
    settings.gopFrames = gopFrames;
    H264Encoder encoder;
    QVERIFY(encoder.open(settings).ok());
    AvFramePtr yuv(av_frame_alloc());
    yuv->format = AV_PIX_FMT_YUV420P;
    yuv->width = 160;
    yuv->height = 90;
    QVERIFY(av_frame_get_buffer(yuv.get(), 0) >= 0);
    VideoParams video;
    video.width = 160;
    video.height = 90;
    video.frameRateNum = 30;
    video.frameRateDen = 1;
    video.extradata = encoder.extradata();
    AudioParams audio;
    audio.sampleRate = 48000;
    audio.channels = 2;
    audio.extradata = QByteArray("\x11\x90", 2); // AAC-LC, 48 kHz, stereo (the muxer never decodes it)

    // The packets in arrival order (by dts), and which one makes the muxer close the last
    // fragment wanted: an Mp4FragmentBuilder of its own says.
    struct Timed {
        MediaPacket packet;
        qint64 dtsUs;
    };
    QList<Timed> packets;
    Mp4FragmentBuilder oracle({1, 90000}, withAudio ? std::optional<Mp4FragmentBuilder::Track>({2, 48000}) : std::nullopt);
    int closed = 0;
    int frame = 0;
    qint64 audioDts = withAudio ? qMax(0, audioOffsetUs) : 0;
    while (closed < fragments) {
        Timed next;
        const qint64 videoDts = frame * 33'333LL;
        if (withAudio && audioDts + qMin(0, audioOffsetUs) < videoDts) {
            next.packet.track = Track::CameraAudio;
            next.packet.key = true;
            next.packet.durationUs = 21'333;
            next.packet.data = QByteArray(200, char(0x21));
            next.dtsUs = audioDts;
            audioDts += 21'333;
        } else {
            TestPatternPainter::paint(yuv.get(), frame, frame * 33, false);
            auto out = encoder.encode(yuv.get(), videoDts, frame % gopFrames == 0, Track::CameraVideo);
            QVERIFY(out.ok());
            QCOMPARE(out->size(), 1); // no encoder delay (zerolatency)
            next.packet = out->first();
            next.packet.durationUs = 33'333;
            next.dtsUs = videoDts;
            ++frame;
        }
        next.packet.ptsUs = next.packet.dtsUs = next.dtsUs;
        auto fragment = oracle.add(next.packet, next.dtsUs, next.dtsUs);
        QVERIFY(fragment.ok());
        closed += fragment.value() ? 1 : 0;
        packets << next;
    }

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("segment.mp4"));
    QThread thread;
    thread.start();
    const auto stopThread = qScopeGuard([&thread] {
        thread.quit();
        thread.wait();
    });
    QObject owner;
    QString failure;
    auto *writer = new SegmentFileWriter(&thread, &owner, [&failure](const Error &e) { failure = e.toString(); });
    writer->open(path, video, withAudio ? std::optional<AudioParams>(audio) : std::nullopt);
    for (const Timed &t : packets)
        writer->write(t.packet, t.dtsUs, t.dtsUs);
    // No more packets come: the closed fragments must reach the disk by themselves.
    QTRY_COMPARE(fragmentsOnDisk(path), fragments);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));

    bool finished = false;
    SegmentFileWriter::Report report;
    writer->finish([&](const SegmentFileWriter::Report &r) {
        report = r;
        finished = true;
    });
    QTRY_VERIFY(finished);
    QVERIFY2(report.status.ok(), qPrintable(report.status.ok() ? QString() : report.status.error().toString()));
    QCOMPARE(report.videoFrames, qint64(frame));
}

QTEST_GUILESS_MAIN(TestSegmentFileWriter)
#include "tst_segmentfilewriter.moc"
