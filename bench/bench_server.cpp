// Server load: N real-time publishers recording at once, roomrec-server beside nginx-rtmp with
// `record all`, both fed the same pre-encoded clip (1280x720 30 fps ~2.5 Mbit/s H.264 +
// 128 kbit/s AAC, made with ffmpeg at start) paced by its timestamps.
//  - RoomRec: this process drives N protocol connections (one user and room each) and
//    records every one; roomrec-server runs as its own process.
//  - nginx-rtmp: one `ffmpeg -re -i clip -c copy -f flv rtmp://...` per stream.
// Per N: server CPU per stream-second (user + system of the server process from the moment
// publishing starts until the process has exited, so finishing the files counts), RSS per
// stream (peak minus idle), frames sent vs frames found in the files (libavformat).
// Usage: bench_server [--quick] [--n 1,10,50,100,200] [--seconds 20] [--server PATH]
//                     [--nginx PATH] [--rtmp-module PATH] [--no-nginx] [--keep]
#include "benchclip.h"
#include "cpuclock.h"

#include "common/ffmpegptr.h"

extern "C" {
#include <libavcodec/bsf.h>
}

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QEventLoop>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTimer>
#include <atomic>
#include <cstdio>
#include <optional>

using namespace roomrec;
using namespace benchclip;

namespace {

struct Options : ServerBenchOptions {
    bool keep = false;
    bool avccExtradata = false;
};

// One server at one N.
struct Side {
    bool ran = false;
    double cpuMsPerStreamSecond = 0;   // from publishing start to exit (files finished)
    double streamingMsPerStreamSecond = 0; // the same up to the end of publishing
    double rssMiBPerStream = 0;
    double idleRssMiB = 0;
    double peakRssMiB = 0;
    qint64 sentVideo = 0, sentAudio = 0, fileVideo = 0, fileAudio = 0;
    int files = 0;
    double loadCpuS = 0; // the publishers' CPU (this process, or the ffmpeg children)
    QStringList problems; // why this N was not kept up with; empty when it was
    QStringList notes;
    qint64 sent() const { return sentVideo + sentAudio; }
    qint64 inFiles() const { return fileVideo + fileAudio; }
};

constexpr qint64 kSpreadUs = 1'000'000; // publishers start spread over this (both sides alike)
constexpr qint64 kLateUs = 500'000;     // a publisher later than this means the machine is saturated

struct FrameCount {
    qint64 video = 0;
    qint64 audio = 0;
    bool ok = false;
};

FrameCount countFrames(const QString &path)
{
    FrameCount c;
    AVFormatContext *raw = nullptr;
    if (avformat_open_input(&raw, path.toLocal8Bit().constData(), nullptr, nullptr) < 0)
        return c;
    AvInputFormatContextPtr input(raw);
    AvPacketPtr packet(av_packet_alloc());
    while (av_read_frame(input.get(), packet.get()) >= 0) {
        const AVMediaType type = input->streams[packet->stream_index]->codecpar->codec_type;
        if (type == AVMEDIA_TYPE_VIDEO)
            ++c.video;
        else if (type == AVMEDIA_TYPE_AUDIO)
            ++c.audio;
        av_packet_unref(packet.get());
    }
    c.ok = true;
    return c;
}

// FFmpeg's log goes here instead of stderr: errors are counted while a file is checked.
std::atomic<int> g_ffmpegErrors{0};
void countingLog(void *, int level, const char *, va_list)
{
    if (level <= AV_LOG_ERROR)
        ++g_ffmpegErrors;
}

// Frames in a file are only worth counting if they decode: decodes one file's video.
struct DecodeCheck {
    qint64 frames = 0;
    int errors = 0;
};

DecodeCheck decodeVideo(const QString &path)
{
    DecodeCheck d;
    g_ffmpegErrors = 0;
    AVFormatContext *raw = nullptr;
    if (avformat_open_input(&raw, path.toLocal8Bit().constData(), nullptr, nullptr) < 0)
        return DecodeCheck{0, 1};
    AvInputFormatContextPtr input(raw);
    avformat_find_stream_info(input.get(), nullptr);
    const AVCodec *codec = nullptr;
    const int v = av_find_best_stream(input.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (v < 0 || !codec)
        return DecodeCheck{0, 1};
    AvCodecContextPtr decoder(avcodec_alloc_context3(codec));
    avcodec_parameters_to_context(decoder.get(), input->streams[v]->codecpar);
    if (avcodec_open2(decoder.get(), codec, nullptr) < 0)
        return DecodeCheck{0, 1};
    AvPacketPtr packet(av_packet_alloc());
    AvFramePtr frame(av_frame_alloc());
    auto drain = [&] {
        while (avcodec_receive_frame(decoder.get(), frame.get()) >= 0) {
            if (frame->decode_error_flags)
                ++d.errors;
            else
                ++d.frames;
        }
    };
    while (av_read_frame(input.get(), packet.get()) >= 0) {
        if (packet->stream_index == v) {
            if (avcodec_send_packet(decoder.get(), packet.get()) < 0)
                ++d.errors;
            drain();
        }
        av_packet_unref(packet.get());
    }
    avcodec_send_packet(decoder.get(), nullptr);
    drain();
    d.errors += g_ffmpegErrors;
    return d;
}

void countFiles(const QString &dir, const QString &pattern, Side &side)
{
    QDirIterator it(dir, {pattern}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (side.files == 0) {
            const DecodeCheck d = decodeVideo(path);
            const FrameCount c = countFrames(path);
            side.notes << QStringLiteral("decoding %1: %2 of %3 video frames decode cleanly, %4 decoder errors")
                              .arg(QFileInfo(path).fileName()).arg(d.frames).arg(c.video).arg(d.errors);
            if (d.errors || d.frames != c.video)
                side.problems << QStringLiteral("%1 does not decode cleanly (%2 errors)").arg(QFileInfo(path).fileName()).arg(d.errors);
        }
        const FrameCount c = countFrames(path);
        if (!c.ok) {
            side.problems << QStringLiteral("unreadable file %1").arg(QFileInfo(path).fileName());
            continue;
        }
        ++side.files;
        side.fileVideo += c.video;
        side.fileAudio += c.audio;
    }
}

// How the server's CPU while streaming was spread over its threads (how many cores it can use).
QString threadShares(const QMap<QString, double> &before, const QMap<QString, double> &after)
{
    double total = 0;
    for (auto it = after.cbegin(); it != after.cend(); ++it)
        total += it.value() - before.value(it.key());
    QStringList shares;
    for (auto it = after.cbegin(); it != after.cend(); ++it) {
        const double used = it.value() - before.value(it.key());
        if (total > 0 && used / total >= 0.005)
            shares << QStringLiteral("%1 %2%").arg(it.key()).arg(100 * used / total, 0, 'f', 0);
    }
    return QStringLiteral("CPU while streaming by thread: %1").arg(shares.join(QStringLiteral(", ")));
}

// Idle figures a moment after the server is up, then the whole-life ones at exit.
void finish(Side &side, ChildProcess &server, int n, const Clip &clip, double idleCpu, qint64 idleRssKiB, double streamingCpu)
{
    const double streamSeconds = n * clip.seconds;
    side.cpuMsPerStreamSecond = (server.cpuSeconds() - idleCpu) * 1000 / streamSeconds;
    side.streamingMsPerStreamSecond = (streamingCpu - idleCpu) * 1000 / streamSeconds;
    side.idleRssMiB = idleRssKiB / 1024.0;
    side.peakRssMiB = server.peakRssKiB() / 1024.0;
    side.rssMiBPerStream = (server.peakRssKiB() - idleRssKiB) / 1024.0 / n;
    side.ran = true;
}

Side runRoomRec(const Options &o, const Clip &clip, int n, const QString &work)
{
    Side side;
    const QString dir = work + QStringLiteral("/roomrec-%1").arg(n);
    QDir().mkpath(dir + QStringLiteral("/data"));
    const quint16 port = freePort();
    ChildProcess server;
    const QString serverLog = dir + QStringLiteral("/server.log");
    if (auto failed = startRoomRecServer(o, dir + QStringLiteral("/data"), port, server, serverLog)) {
        side.problems << *failed;
        return side;
    }
    QThread::msleep(1000);
    const double idleCpu = server.cpuSecondsNow();
    const QMap<QString, double> idleByThread = server.cpuSecondsByThread();
    const qint64 idleRss = server.rssKiB();
    const double selfCpu = CpuClock::self();

    std::vector<std::unique_ptr<ClipPublisher>> publishers;
    for (int i = 0; i < n; ++i)
        publishers.push_back(std::make_unique<ClipPublisher>(clip, i, n > 1 ? kSpreadUs * i / n : 0));
    QElapsedTimer clock;
    clock.start();
    for (auto &p : publishers)
        p->connectTo(port);
    const qint64 deadlineUs = qint64(clip.seconds * 2 + 60) * 1'000'000;
    QEventLoop loop;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        const qint64 now = clock.nsecsElapsed() / 1000;
        bool all = true;
        for (auto &p : publishers) {
            p->pump(now);
            all = all && p->finished();
        }
        if (server.poll()) {
            side.problems << QStringLiteral("roomrec-server ended during the run (%1)").arg(server.exitDescription());
            all = true;
        } else if (now > deadlineUs) {
            side.problems << QStringLiteral("publishers not finished after %1 s").arg(deadlineUs / 1'000'000);
            all = true;
        }
        if (all) {
            for (auto &p : publishers) {
                if (!p->finished())
                    p->abort(QStringLiteral("stopped by the benchmark"));
            }
            loop.quit();
        }
    });
    tick.start(2);
    loop.exec();
    tick.stop();
    side.loadCpuS = CpuClock::self() - selfCpu;
    const double streamingCpu = server.cpuSecondsNow();
    side.notes << threadShares(idleByThread, server.cpuSecondsByThread());

    QElapsedTimer shutdown;
    shutdown.start();
    server.signal(SIGTERM);
    if (!server.waitForExit(300'000)) {
        side.problems << QStringLiteral("roomrec-server did not exit within 300 s of SIGTERM");
        server.signal(SIGKILL);
        server.waitForExit(10'000);
    } else if (!server.exitedCleanly()) {
        side.problems << QStringLiteral("roomrec-server: %1 after SIGTERM").arg(server.exitDescription());
    }
    const qint64 shutdownMs = shutdown.elapsed();
    finish(side, server, n, clip, idleCpu, idleRss, streamingCpu);

    qint64 maxLate = 0, maxBacklog = 0, maxDrain = 0;
    int failed = 0, fileIds = 0;
    QString firstFailure;
    for (auto &p : publishers) {
        side.sentVideo += p->sentVideo();
        side.sentAudio += p->sentAudio();
        maxLate = qMax(maxLate, p->maxLateUs());
        maxBacklog = qMax(maxBacklog, p->maxBacklogBytes());
        maxDrain = qMax(maxDrain, p->drainUs());
        fileIds += p->fileIds();
        if (p->state() == ClipPublisher::State::Failed && failed++ == 0)
            firstFailure = p->failure();
    }
    if (failed)
        side.problems << QStringLiteral("%1 of %2 publishers failed (first: %3)").arg(failed).arg(n).arg(firstFailure);
    if (maxLate > kLateUs)
        side.problems << QStringLiteral("publishers fell %1 ms behind the clip's clock").arg(maxLate / 1000);
    if (maxDrain > kLateUs)
        side.problems << QStringLiteral("the server read the last packets %1 ms late").arg(maxDrain / 1000);
    countFiles(dir + QStringLiteral("/data"), QStringLiteral("*.mp4"), side);
    if (side.inFiles() != side.sent())
        side.problems << QStringLiteral("%1 frames sent but %2 in the files").arg(side.sent()).arg(side.inFiles());
    side.notes << QStringLiteral("publishers max late %1 ms, max unsent backlog %2 KiB, last-packet drain %3 ms; stop returned %4 file IDs; %5 .mp4 files; SIGTERM to exit %6 ms")
                      .arg(maxLate / 1000).arg(maxBacklog / 1024).arg(maxDrain / 1000).arg(fileIds).arg(side.files).arg(shutdownMs);
    if (!o.keep)
        QDir(dir).removeRecursively();
    return side;
}

Side runNginx(const Options &o, const Clip &clip, const QString &clipPath, int n, const QString &work)
{
    Side side;
    const QString dir = work + QStringLiteral("/nginx-%1").arg(n);
    QDir().mkpath(dir + QStringLiteral("/rec"));
    QDir().mkpath(dir + QStringLiteral("/logs"));
    const quint16 port = freePort();
    ChildProcess nginx;
    if (auto failed = startNginxRtmp(o, dir, port, QStringLiteral("live on; record all; record_path %1/rec;").arg(dir), nginx)) {
        side.problems << *failed;
        return side;
    }
    QThread::msleep(1000);
    const double idleCpu = nginx.cpuSecondsNow();
    const qint64 idleRss = nginx.rssKiB();

    std::vector<std::unique_ptr<ChildProcess>> publishers;
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < n; ++i) {
        const qint64 notBefore = n > 1 ? kSpreadUs * i / n : 0;
        if (const qint64 wait = notBefore - clock.nsecsElapsed() / 1000; wait > 0)
            QThread::usleep(wait);
        auto p = std::make_unique<ChildProcess>();
        p->setSampleMemory(false);
        p->start({o.ffmpeg, QStringLiteral("-hide_banner"), QStringLiteral("-loglevel"), QStringLiteral("error"),
                  QStringLiteral("-nostdin"), QStringLiteral("-re"), QStringLiteral("-i"), clipPath, QStringLiteral("-c"),
                  QStringLiteral("copy"), QStringLiteral("-f"), QStringLiteral("flv"),
                  QStringLiteral("rtmp://127.0.0.1:%1/live/s%2").arg(port).arg(i)},
                 dir + QStringLiteral("/logs/ffmpeg-%1.log").arg(i));
        publishers.push_back(std::move(p));
    }
    const qint64 deadlineMs = qint64(clip.seconds * 2 + 60) * 1000;
    for (;;) {
        bool all = true;
        for (auto &p : publishers)
            all = p->poll() && all;
        if (all || nginx.poll())
            break;
        if (clock.elapsed() > deadlineMs) {
            side.problems << QStringLiteral("ffmpeg publishers not finished after %1 s").arg(deadlineMs / 1000);
            for (auto &p : publishers)
                p->signal(SIGTERM);
            for (auto &p : publishers)
                p->waitForExit(10'000);
            break;
        }
        QThread::msleep(20);
    }
    const double streamingCpu = nginx.cpuSecondsNow();
    QElapsedTimer shutdown;
    shutdown.start();
    nginx.signal(SIGQUIT); // graceful: closes the recordings
    if (!nginx.waitForExit(120'000)) {
        side.problems << QStringLiteral("nginx did not exit within 120 s of SIGQUIT");
        nginx.signal(SIGKILL);
        nginx.waitForExit(10'000);
    }
    const qint64 shutdownMs = shutdown.elapsed();
    if (!nginx.exited() || nginx.cpuSeconds() <= 0) {
        side.problems << QStringLiteral("nginx ended early (%1): %2").arg(nginx.exitDescription(), lastLines(dir + QStringLiteral("/logs/error.log")));
        return side;
    }
    finish(side, nginx, n, clip, idleCpu, idleRss, streamingCpu);

    int failed = 0;
    qint64 maxWall = 0;
    QString firstFailure;
    for (int i = 0; i < n; ++i) {
        ChildProcess &p = *publishers[size_t(i)];
        side.loadCpuS += p.cpuSeconds();
        maxWall = qMax(maxWall, p.wallMs());
        if (p.exitedCleanly()) {
            side.sentVideo += clip.videoPackets;
            side.sentAudio += clip.audioPackets;
        } else if (failed++ == 0) {
            firstFailure = QStringLiteral("%1: %2").arg(p.exitDescription(), lastLines(dir + QStringLiteral("/logs/ffmpeg-%1.log").arg(i)));
        }
    }
    if (failed)
        side.problems << QStringLiteral("%1 of %2 ffmpeg publishers failed, their frames not counted as sent (first: %3)").arg(failed).arg(n).arg(firstFailure);
    if (maxWall > qint64(clip.seconds * 1000) + kLateUs / 1000 + 1000)
        side.problems << QStringLiteral("the machine could not run %1 ffmpeg -re publishers in real time (up to %2 s for the %3 s clip, "
                                        "%4 s of their CPU); nginx's own figures are still its own")
                             .arg(n).arg(maxWall / 1000.0, 0, 'f', 1).arg(clip.seconds, 0, 'f', 1).arg(side.loadCpuS, 0, 'f', 1);
    countFiles(dir + QStringLiteral("/rec"), QStringLiteral("*.flv"), side);
    if (side.inFiles() != side.sent())
        side.problems << QStringLiteral("%1 frames sent but %2 in the files").arg(side.sent()).arg(side.inFiles());
    side.notes << QStringLiteral("ffmpeg publishers max wall %1 s; %2 .flv files; SIGQUIT to exit %3 ms")
                      .arg(maxWall / 1000.0, 0, 'f', 1).arg(side.files).arg(shutdownMs);
    if (!o.keep)
        QDir(dir).removeRecursively();
    return side;
}

QString num(double v, int decimals, bool ran)
{
    return ran ? QString::number(v, 'f', decimals) : QStringLiteral("-");
}

QString frames(const Side &s)
{
    return s.ran ? QStringLiteral("%1/%2").arg(s.sent()).arg(s.inFiles()) : QStringLiteral("-");
}

void printTable(const QList<std::pair<int, std::pair<Side, Side>>> &rows)
{
    log(tableRow({{QStringLiteral("N"), 4},
                  {QStringLiteral("roomrec CPU ms/stream-s"), 23},
                  {QStringLiteral("nginx CPU ms/stream-s"), 21},
                  {QStringLiteral("ratio"), 5},
                  {QStringLiteral("roomrec RSS MiB/stream"), 22},
                  {QStringLiteral("nginx RSS MiB/stream"), 20},
                  {QStringLiteral("roomrec frames sent/in files"), 28},
                  {QStringLiteral("nginx frames sent/in files"), 26}}));
    for (const auto &[n, sides] : rows) {
        const Side &r = sides.first;
        const Side &x = sides.second;
        const bool ratio = r.ran && x.ran && x.cpuMsPerStreamSecond > 0;
        log(tableRow({{QString::number(n), 4},
                      {num(r.cpuMsPerStreamSecond, 2, r.ran), 23},
                      {num(x.cpuMsPerStreamSecond, 2, x.ran), 21},
                      {ratio ? QString::number(r.cpuMsPerStreamSecond / x.cpuMsPerStreamSecond, 'f', 2) : QStringLiteral("-"), 5},
                      {num(r.rssMiBPerStream, 2, r.ran), 22},
                      {num(x.rssMiBPerStream, 2, x.ran), 20},
                      {frames(r), 28},
                      {frames(x), 26}}));
    }
}

void describe(const QString &name, int n, const Side &s)
{
    if (s.ran)
        log(QStringLiteral("  %1 N=%2: CPU while streaming %3 ms/stream-s, with finishing %4; idle RSS %5 MiB, peak %6 MiB; "
                           "video %7/%8, audio %9/%10; publishers' own CPU %11 s")
                .arg(name).arg(n)
                .arg(s.streamingMsPerStreamSecond, 0, 'f', 2).arg(s.cpuMsPerStreamSecond, 0, 'f', 2)
                .arg(s.idleRssMiB, 0, 'f', 1).arg(s.peakRssMiB, 0, 'f', 1)
                .arg(s.sentVideo).arg(s.fileVideo).arg(s.sentAudio).arg(s.fileAudio)
                .arg(s.loadCpuS, 0, 'f', 1));
    for (const QString &note : s.notes)
        log(QStringLiteral("    %1").arg(note));
    for (const QString &p : s.problems)
        log(QStringLiteral("    NOT KEPT UP / PROBLEM: %1").arg(p));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    av_log_set_callback(countingLog);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("N real-time publishers recording at once: roomrec-server vs nginx-rtmp."));
    ServerBenchParser common(parser, QStringLiteral("Publisher"), {1, 10, 50, 100, 200});
    const QCommandLineOption keep(QStringLiteral("keep"), QStringLiteral("Keep the temporary folder (clip, files, logs)."));
    const QCommandLineOption avcc(QStringLiteral("avcc-extradata"), QStringLiteral("Publish the video's SPS/PPS as avcC instead of Annex B."));
    parser.addOptions({keep, avcc});
    parser.process(app);

    Options o;
    if (!common.read("bench_server", o))
        return 1;
    o.keep = parser.isSet(keep);
    o.avccExtradata = parser.isSet(avcc);

    QTemporaryDir work(QDir::tempPath() + QStringLiteral("/bench_server-XXXXXX"));
    work.setAutoRemove(!o.keep);
    const QString clipPath = work.path() + QStringLiteral("/clip.mp4");
    if (auto failed = makeClip(o.ffmpeg, o.seconds, clipPath)) {
        std::fprintf(stderr, "bench_server: %s\n", qPrintable(*failed));
        return 1;
    }
    Clip clip;
    if (auto failed = loadClip(clipPath, o.avccExtradata, clip)) {
        std::fprintf(stderr, "bench_server: clip: %s\n", qPrintable(*failed));
        return 1;
    }
    log(QStringLiteral("bench_server: clip %1x%2 %3/%4 fps H.264 + AAC %5 Hz, %6 s, %7 kbit/s, %8 video + %9 audio packets; %10 cores")
            .arg(clip.video.width).arg(clip.video.height).arg(clip.video.frameRateNum).arg(clip.video.frameRateDen)
            .arg(clip.audio.sampleRate).arg(clip.seconds, 0, 'f', 2)
            .arg(QFileInfo(clipPath).size() * 8 / 1000 / clip.seconds, 0, 'f', 0)
            .arg(clip.videoPackets).arg(clip.audioPackets).arg(QThread::idealThreadCount()));
    log(QStringLiteral("server: %1; baseline: nginx-rtmp (%2, one process, record all) fed by ffmpeg -re -c copy%3")
            .arg(QStringList(QStringList{o.server} + o.serverArgs).join(QLatin1Char(' ')), o.nginx, o.keep ? QStringLiteral("; keeping %1").arg(work.path()) : QString()));

    QList<std::pair<int, std::pair<Side, Side>>> rows;
    for (int n : std::as_const(o.counts)) {
        log(QStringLiteral("--- N = %1").arg(n));
        Side r = runRoomRec(o, clip, n, work.path());
        describe(QStringLiteral("roomrec"), n, r);
        Side x;
        if (o.withNginx) {
            x = runNginx(o, clip, clipPath, n, work.path());
            describe(QStringLiteral("nginx"), n, x);
        }
        rows.append({n, {r, x}});
    }
    log(QStringLiteral("\nCPU = user + system of the server process from the start of publishing until it has exited "
                       "(files finished), per second of stream; RSS = peak (VmHWM) minus idle, per stream."));
    printTable(rows);
    for (const auto &[n, sides] : rows) {
        if (!sides.first.problems.isEmpty())
            log(QStringLiteral("N=%1: roomrec could not keep up or failed: %2").arg(n).arg(sides.first.problems.join(QStringLiteral("; "))));
        if (!sides.second.problems.isEmpty())
            log(QStringLiteral("N=%1: nginx could not keep up or failed: %2").arg(n).arg(sides.second.problems.join(QStringLiteral("; "))));
    }
    return 0;
}
