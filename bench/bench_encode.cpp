// CPU per frame of our encode path vs the ffmpeg command doing the same encode (same raw
// frames, libx264 veryfast + zerolatency, same bitrate and GOP), at 1080p30 and 720p30.
// Usage: bench_encode [frames=300]
#include "cpuclock.h"

#include "media/h264encoder.h"
#include "media/testpatternpainter.h"

extern "C" {
#include <libavutil/imgutils.h>
}

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <cstdio>

using namespace roomrec;

namespace {
struct Figures {
    double cpuMsPerFrame = 0;
    double wallMsPerFrame = 0;
    qint64 bytes = 0;
};

Figures ours(const QString &rawPath, QSize size, int frames, int bitrate)
{
    VideoEncoderSettings settings;
    settings.size = size;
    settings.bitrate = bitrate;
    settings.gopFrames = 60;
    settings.encoder = QStringLiteral("libx264");
    H264Encoder encoder;
    if (!encoder.open(settings))
        return {};
    QFile raw(rawPath);
    raw.open(QIODevice::ReadOnly);
    AvFramePtr frame(av_frame_alloc());
    frame->format = AV_PIX_FMT_YUV420P;
    frame->width = size.width();
    frame->height = size.height();
    av_frame_get_buffer(frame.get(), 1);
    const qint64 frameBytes = qint64(size.width()) * size.height() * 3 / 2;
    QByteArray buffer(frameBytes, Qt::Uninitialized);
    Figures f;
    const double cpu0 = CpuClock::self();
    QElapsedTimer wall;
    wall.start();
    for (int i = 0; i < frames; ++i) {
        raw.read(buffer.data(), frameBytes);
        av_image_fill_arrays(frame->data, frame->linesize, reinterpret_cast<const uint8_t *>(buffer.constData()),
                             AV_PIX_FMT_YUV420P, size.width(), size.height(), 1);
        auto packets = encoder.encode(frame.get(), i * 33'333, false, Track::CameraVideo);
        for (const MediaPacket &p : packets.value())
            f.bytes += p.data.size();
    }
    for (const MediaPacket &p : encoder.flush(Track::CameraVideo).value())
        f.bytes += p.data.size();
    f.cpuMsPerFrame = (CpuClock::self() - cpu0) * 1000 / frames;
    f.wallMsPerFrame = wall.nsecsElapsed() / 1e6 / frames;
    return f;
}

Figures ffmpeg(const QString &rawPath, QSize size, int frames, int bitrate, const QString &outPath)
{
    const QString exe = QStandardPaths::findExecutable(QStringLiteral("ffmpeg"));
    if (exe.isEmpty())
        return {};
    const double cpu0 = CpuClock::children();
    QElapsedTimer wall;
    wall.start();
    QProcess p;
    p.start(exe, {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-y"), QStringLiteral("-f"), QStringLiteral("rawvideo"),
                  QStringLiteral("-pix_fmt"), QStringLiteral("yuv420p"), QStringLiteral("-s"),
                  QStringLiteral("%1x%2").arg(size.width()).arg(size.height()), QStringLiteral("-r"), QStringLiteral("30"),
                  QStringLiteral("-i"), rawPath, QStringLiteral("-c:v"), QStringLiteral("libx264"), QStringLiteral("-preset"),
                  QStringLiteral("veryfast"), QStringLiteral("-tune"), QStringLiteral("zerolatency"), QStringLiteral("-b:v"),
                  QString::number(bitrate), QStringLiteral("-maxrate"), QString::number(bitrate * 3 / 2), QStringLiteral("-bufsize"),
                  QString::number(bitrate), QStringLiteral("-g"), QStringLiteral("60"), QStringLiteral("-bf"), QStringLiteral("0"),
                  QStringLiteral("-f"), QStringLiteral("h264"), outPath});
    p.waitForFinished(-1);
    Figures f;
    f.cpuMsPerFrame = (CpuClock::children() - cpu0) * 1000 / frames;
    f.wallMsPerFrame = wall.nsecsElapsed() / 1e6 / frames;
    f.bytes = QFile(outPath).size();
    return f;
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int frames = argc > 1 ? QString::fromLatin1(argv[1]).toInt() : 300;
    QTemporaryDir dir;
    std::printf("bench_encode: %d frames of the test pattern, libx264 veryfast zerolatency, GOP 60, no B-frames\n", frames);
    std::printf("%-10s %-8s %14s %14s %12s %10s\n", "size", "who", "CPU ms/frame", "wall ms/frame", "bytes", "ours/ffmpeg");
    for (const auto &[size, bitrate] : {std::pair{QSize(1920, 1080), 4'000'000}, std::pair{QSize(1280, 720), 2'500'000}}) {
        // The same raw frames for both, written once.
        const QString rawPath = dir.filePath(QStringLiteral("frames-%1.yuv").arg(size.height()));
        {
            QFile raw(rawPath);
            raw.open(QIODevice::WriteOnly);
            AvFramePtr f(av_frame_alloc());
            f->format = AV_PIX_FMT_YUV420P;
            f->width = size.width();
            f->height = size.height();
            av_frame_get_buffer(f.get(), 1);
            for (int i = 0; i < frames; ++i) {
                TestPatternPainter::paint(f.get(), i, i * 33, i % 30 == 0);
                for (int p = 0; p < 3; ++p) {
                    const int h = p ? size.height() / 2 : size.height();
                    const int w = p ? size.width() / 2 : size.width();
                    for (int y = 0; y < h; ++y)
                        raw.write(reinterpret_cast<const char *>(f->data[p] + qsizetype(y) * f->linesize[p]), w);
                }
            }
        }
        const Figures base = ffmpeg(rawPath, size, frames, bitrate, dir.filePath(QStringLiteral("out.h264")));
        const Figures mine = ours(rawPath, size, frames, bitrate);
        const QString label = QStringLiteral("%1x%2").arg(size.width()).arg(size.height());
        std::printf("%-10s %-8s %14.2f %14.2f %12lld %10s\n", qPrintable(label), "ffmpeg", base.cpuMsPerFrame,
                    base.wallMsPerFrame, static_cast<long long>(base.bytes), "");
        std::printf("%-10s %-8s %14.2f %14.2f %12lld %10.2f\n", qPrintable(label), "roomrec", mine.cpuMsPerFrame,
                    mine.wallMsPerFrame, static_cast<long long>(mine.bytes),
                    base.cpuMsPerFrame > 0 ? mine.cpuMsPerFrame / base.cpuMsPerFrame : 0.0);
    }
    // What the test pattern itself costs (ours only: ffmpeg reads the frames from disk).
    AvFramePtr f(av_frame_alloc());
    f->format = AV_PIX_FMT_YUV420P;
    f->width = 1920;
    f->height = 1080;
    av_frame_get_buffer(f.get(), 0);
    const double cpu0 = CpuClock::self();
    for (int i = 0; i < frames; ++i)
        TestPatternPainter::paint(f.get(), i, i * 33, false);
    std::printf("test pattern painting at 1080p: %.2f ms/frame (not in the figures above)\n",
                (CpuClock::self() - cpu0) * 1000 / frames);
    return 0;
}
