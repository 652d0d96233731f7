// SegmentFileWriter hands the writer thread a batch that ends with the packet closing the
// muxer's open fragment, so each fragment is on disk as soon as that packet has been given
// to it, with no later packet needed (what a kill -9 may lose is the open fragment alone).
#include "media/h264encoder.h"
#include "media/testpatternpainter.h"
#include "recording/segmentfilewriter.h"

#include <QFile>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QThread>
#include <QtEndian>
#include <QtTest>

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
    QTest::addColumn<int>("frames");
    // The first fragment is frame 0 alone; the second holds frames 1..14 and is closed by the
    // key frame 15 (0.5 s).
    QTest::newRow("a key frame closes it") << 15 << 16;
    // Frames 1..31 from 33 ms: frame 32 (1.067 s) is the first a second after the open one began.
    QTest::newRow("a second of media closes it") << 1000 << 33;
}

void TestSegmentFileWriter::fragmentIsOnDiskWithThePacketThatClosesIt()
{
    QFETCH(int, gopFrames);
    QFETCH(int, frames);
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
    writer->open(path, video, std::nullopt);
    int keyFrames = 0;
    for (int i = 0; i < frames; ++i) {
        TestPatternPainter::paint(yuv.get(), i, i * 33, false);
        auto out = encoder.encode(yuv.get(), i * 33'333, i % gopFrames == 0, Track::CameraVideo);
        QVERIFY(out.ok());
        QCOMPARE(out->size(), 1); // no encoder delay (zerolatency)
        MediaPacket packet = out->first();
        packet.durationUs = 33'333;
        keyFrames += packet.key ? 1 : 0;
        writer->write(packet, i * 33'333, i * 33'333);
    }
    QCOMPARE(keyFrames, (frames + gopFrames - 1) / gopFrames);
    // No more packets come: the closed fragment must reach the disk by itself.
    QTRY_COMPARE(fragmentsOnDisk(path), 2);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));

    bool finished = false;
    SegmentFileWriter::Report report;
    writer->finish([&](const SegmentFileWriter::Report &r) {
        report = r;
        finished = true;
    });
    QTRY_VERIFY(finished);
    QVERIFY2(report.status.ok(), qPrintable(report.status.ok() ? QString() : report.status.error().toString()));
    QCOMPARE(report.videoFrames, qint64(frames));
}

QTEST_GUILESS_MAIN(TestSegmentFileWriter)
#include "tst_segmentfilewriter.moc"
