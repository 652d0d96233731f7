#pragma once

// What the server benchmarks share: the pre-encoded clip (made with ffmpeg, read into
// protocol packets once), logging, and finding and waiting for loopback ports.
#include "childprocess.h"
#include "clippublisher.h"

#include "common/error.h"
#include "common/ffmpegptr.h"

extern "C" {
#include <libavcodec/bsf.h>
#include <libavformat/avformat.h>
}

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <algorithm>
#include <cstdio>
#include <optional>
#include <unistd.h>

namespace benchclip {

using namespace roomrec;

inline void log(const QString &line)
{
    std::printf("%s\n", qPrintable(line));
    std::fflush(stdout);
}

// One line of a results table: each cell right-aligned to its width, " | " between cells.
inline QString tableRow(const QList<std::pair<QString, int>> &cells)
{
    QStringList padded;
    for (const auto &[text, width] : cells)
        padded << QStringLiteral("%1").arg(text, width);
    return padded.join(QStringLiteral(" | "));
}

inline QString lastLines(const QString &path, int count = 3)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QStringList lines = QString::fromUtf8(f.readAll()).trimmed().split(QLatin1Char('\n'));
    return lines.mid(qMax(0, lines.size() - count)).join(QStringLiteral(" | "));
}

inline quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

inline bool waitForPort(quint16 port, ChildProcess &process, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs && !process.poll()) {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, port);
        if (s.waitForConnected(200))
            return true;
        QThread::msleep(50);
    }
    return false;
}

// bFrames false: no B-frames, as a live encoder sends (the app's x264 zerolatency), so a
// decoder hands each picture out as soon as its packet is in.
inline std::optional<QString> makeClip(const QString &ffmpegPath, int seconds, const QString &path, bool bFrames = true)
{
    ChildProcess ffmpeg;
    const QString logPath = path + QStringLiteral(".log");
    const QStringList common{ffmpegPath, QStringLiteral("-hide_banner"), QStringLiteral("-loglevel"), QStringLiteral("error"),
                           QStringLiteral("-nostdin"), QStringLiteral("-y"),
                           QStringLiteral("-f"), QStringLiteral("lavfi"), QStringLiteral("-i"), QStringLiteral("testsrc2=size=1280x720:rate=30"),
                           QStringLiteral("-f"), QStringLiteral("lavfi"), QStringLiteral("-i"), QStringLiteral("sine=frequency=440:sample_rate=48000"),
                           QStringLiteral("-t"), QString::number(seconds), QStringLiteral("-map"), QStringLiteral("0:v"),
                           QStringLiteral("-map"), QStringLiteral("1:a"), QStringLiteral("-c:v"), QStringLiteral("libx264"),
                           QStringLiteral("-preset"), QStringLiteral("veryfast"), QStringLiteral("-g"), QStringLiteral("60"),
                           QStringLiteral("-b:v"), QStringLiteral("2500k"), QStringLiteral("-maxrate"), QStringLiteral("2500k"),
                           QStringLiteral("-bufsize"), QStringLiteral("5000k"), QStringLiteral("-pix_fmt"), QStringLiteral("yuv420p"),
                           QStringLiteral("-c:a"), QStringLiteral("aac"), QStringLiteral("-b:a"), QStringLiteral("128k"),
                           QStringLiteral("-ac"), QStringLiteral("2"), QStringLiteral("-movflags"), QStringLiteral("+faststart")};
    QStringList args = common;
    if (!bFrames)
        args << QStringLiteral("-bf") << QStringLiteral("0");
    args << path;
    if (!ffmpeg.start(args, logPath))
        return QStringLiteral("cannot run %1").arg(ffmpegPath);
    if (!ffmpeg.waitForExit(600'000) || !ffmpeg.exitedCleanly())
        return QStringLiteral("ffmpeg failed (%1): %2").arg(ffmpeg.exitDescription(), lastLines(logPath));
    return std::nullopt;
}

// Reads the clip once: video through h264_mp4toannexb (the protocol carries Annex B), audio as
// raw AAC frames; timestamps to µs, shifted so the earliest dts is 0, in dts order.
inline std::optional<QString> loadClip(const QString &path, bool avccExtradata, Clip &clip)
{
    AVFormatContext *raw = nullptr;
    if (int rc = avformat_open_input(&raw, path.toLocal8Bit().constData(), nullptr, nullptr); rc < 0)
        return avErrorText(rc);
    AvInputFormatContextPtr input(raw);
    if (int rc = avformat_find_stream_info(input.get(), nullptr); rc < 0)
        return avErrorText(rc);
    const int v = av_find_best_stream(input.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    const int a = av_find_best_stream(input.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
    if (v < 0 || a < 0)
        return QStringLiteral("the clip needs a video and an audio stream");
    const AVStream *vs = input->streams[v];
    const AVStream *as = input->streams[a];
    clip.video.width = vs->codecpar->width;
    clip.video.height = vs->codecpar->height;
    clip.video.frameRateNum = vs->avg_frame_rate.num > 0 ? vs->avg_frame_rate.num : 30;
    clip.video.frameRateDen = vs->avg_frame_rate.num > 0 ? vs->avg_frame_rate.den : 1;
    clip.video.extradata = QByteArray(reinterpret_cast<const char *>(vs->codecpar->extradata), vs->codecpar->extradata_size);
    clip.audio.sampleRate = as->codecpar->sample_rate;
    clip.audio.channels = as->codecpar->ch_layout.nb_channels;
    clip.audio.extradata = QByteArray(reinterpret_cast<const char *>(as->codecpar->extradata), as->codecpar->extradata_size);

    AVBSFContext *bsfRaw = nullptr;
    if (int rc = av_bsf_alloc(av_bsf_get_by_name("h264_mp4toannexb"), &bsfRaw); rc < 0)
        return avErrorText(rc);
    std::unique_ptr<AVBSFContext, void (*)(AVBSFContext *)> bsf(bsfRaw, [](AVBSFContext *c) { av_bsf_free(&c); });
    avcodec_parameters_copy(bsf->par_in, vs->codecpar);
    bsf->time_base_in = vs->time_base;
    if (int rc = av_bsf_init(bsf.get()); rc < 0)
        return avErrorText(rc);
    // The protocol allows avcC or Annex B extradata; our own client sends Annex B.
    if (!avccExtradata)
        clip.video.extradata = QByteArray(reinterpret_cast<const char *>(bsf->par_out->extradata), bsf->par_out->extradata_size);

    const AVRational us{1, 1'000'000};
    auto add = [&](const AVPacket *p, AVRational tb, Track track) {
        MediaPacket m;
        m.track = track;
        m.key = p->flags & AV_PKT_FLAG_KEY;
        m.dtsUs = av_rescale_q(p->dts != AV_NOPTS_VALUE ? p->dts : p->pts, tb, us);
        m.ptsUs = av_rescale_q(p->pts != AV_NOPTS_VALUE ? p->pts : p->dts, tb, us);
        m.durationUs = qint32(av_rescale_q(p->duration, tb, us));
        m.data = QByteArray(reinterpret_cast<const char *>(p->data), p->size);
        clip.packets.push_back(std::move(m));
    };
    AvPacketPtr packet(av_packet_alloc());
    while (av_read_frame(input.get(), packet.get()) >= 0) {
        if (packet->stream_index == a) {
            add(packet.get(), as->time_base, Track::CameraAudio);
        } else if (packet->stream_index == v) {
            if (int rc = av_bsf_send_packet(bsf.get(), packet.get()); rc < 0)
                return avErrorText(rc);
            while (av_bsf_receive_packet(bsf.get(), packet.get()) >= 0) {
                add(packet.get(), bsf->time_base_out, Track::CameraVideo);
                av_packet_unref(packet.get());
            }
        }
        av_packet_unref(packet.get());
    }
    if (clip.packets.empty() || !clip.packets.front().key)
        return QStringLiteral("the clip must start with a key frame");
    std::stable_sort(clip.packets.begin(), clip.packets.end(),
                     [](const MediaPacket &x, const MediaPacket &y) { return x.dtsUs < y.dtsUs; });
    const qint64 shift = -clip.packets.front().dtsUs;
    qint64 end = 0;
    for (MediaPacket &m : clip.packets) {
        m.dtsUs += shift;
        m.ptsUs += shift;
        end = qMax(end, m.ptsUs + m.durationUs);
        (m.isVideo() ? clip.videoPackets : clip.audioPackets)++;
    }
    clip.seconds = end / 1e6;
    return std::nullopt;
}

// What both server benchmarks are told: the counts to run, the clip's length, and where the
// servers and ffmpeg are.
struct ServerBenchOptions {
    QList<int> counts;
    int seconds = 20;
    QString server;
    QStringList serverArgs; // added to roomrec-server's command line (--server-arg)
    QString nginx = QStringLiteral("/usr/sbin/nginx");
    QString rtmpModule = QStringLiteral("/usr/lib/nginx/modules/ngx_rtmp_module.so");
    QString ffmpeg = QStringLiteral("/usr/bin/ffmpeg");
    bool withNginx = true;
};

// Their shared command-line options; read() after parser.process().
class ServerBenchParser {
public:
    ServerBenchParser(QCommandLineParser &parser, const QString &what, QList<int> defaultCounts)
        : m_parser(parser), m_defaults(std::move(defaultCounts)),
          m_quick(QStringLiteral("quick"), QStringLiteral("N = 1,10 only.")),
          m_counts(QStringLiteral("n"), QStringLiteral("%1 counts (default %2).").arg(what, join(m_defaults)), QStringLiteral("LIST")),
          m_seconds(QStringLiteral("seconds"), QStringLiteral("Clip length (default 20)."), QStringLiteral("S"), QStringLiteral("20")),
          m_server(QStringLiteral("server"), QStringLiteral("roomrec-server binary (default: next to this build)."), QStringLiteral("PATH")),
          m_nginx(QStringLiteral("nginx"), QStringLiteral("nginx binary (default /usr/sbin/nginx)."), QStringLiteral("PATH")),
          m_module(QStringLiteral("rtmp-module"), QStringLiteral("ngx_rtmp_module.so path."), QStringLiteral("PATH")),
          m_noNginx(QStringLiteral("no-nginx"), QStringLiteral("Measure roomrec-server only.")),
          m_serverArg(QStringLiteral("server-arg"), QStringLiteral("Pass ARG to roomrec-server (repeatable), e.g. --server-arg=--network-threads=0."), QStringLiteral("ARG"))
    {
        parser.addHelpOption();
        parser.addOptions({m_quick, m_counts, m_seconds, m_server, m_serverArg, m_nginx, m_module, m_noNginx});
    }

    // False (with a message on stderr) when nginx is wanted but not installed.
    bool read(const char *program, ServerBenchOptions &o) const
    {
        o.counts = m_parser.isSet(m_quick) ? QList<int>{1, 10} : m_defaults;
        if (m_parser.isSet(m_counts)) {
            o.counts.clear();
            for (const QString &c : m_parser.value(m_counts).split(QLatin1Char(','), Qt::SkipEmptyParts))
                if (c.toInt() > 0)
                    o.counts << c.toInt();
        }
        o.seconds = qMax(2, m_parser.value(m_seconds).toInt());
        o.server = m_parser.isSet(m_server)
                       ? m_parser.value(m_server)
                       : QDir(QCoreApplication::applicationDirPath() + QStringLiteral("/../app/server/roomrec-server")).absolutePath();
        o.serverArgs = m_parser.values(m_serverArg);
        if (m_parser.isSet(m_nginx))
            o.nginx = m_parser.value(m_nginx);
        if (m_parser.isSet(m_module))
            o.rtmpModule = m_parser.value(m_module);
        o.withNginx = !m_parser.isSet(m_noNginx);
        if (o.withNginx && (!QFile::exists(o.nginx) || !QFile::exists(o.rtmpModule))) {
            std::fprintf(stderr, "%s: %s or %s missing (apt-get install nginx-core libnginx-mod-rtmp, or --no-nginx)\n", program,
                         qPrintable(o.nginx), qPrintable(o.rtmpModule));
            return false;
        }
        return true;
    }

private:
    static QString join(const QList<int> &counts)
    {
        QStringList out;
        for (int c : counts)
            out << QString::number(c);
        return out.join(QLatin1Char(','));
    }

    QCommandLineParser &m_parser;
    QList<int> m_defaults;
    QCommandLineOption m_quick, m_counts, m_seconds, m_server, m_nginx, m_module, m_noNginx, m_serverArg;
};

// roomrec-server on a loopback port with its data in dataDir and no HTTP API; nullopt once it
// accepts connections, else why not.
inline std::optional<QString> startRoomRecServer(const ServerBenchOptions &o, const QString &dataDir, quint16 port, ChildProcess &server,
                                                 const QString &logPath)
{
    if (!server.start(QStringList{o.server, QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--data"), dataDir,
                                  QStringLiteral("--http-listen"), QStringLiteral("off")}
                          + o.serverArgs,
                      logPath)
        || !waitForPort(port, server, 15'000))
        return QStringLiteral("roomrec-server did not start: %1").arg(lastLines(logPath));
    return std::nullopt;
}

// nginx-rtmp as one process (no master/worker split, so its CPU and RSS are the whole
// server's) in dir, with `application live { <application> }`; nullopt once it listens.
inline std::optional<QString> startNginxRtmp(const ServerBenchOptions &o, const QString &dir, quint16 port,
                                             const QString &application, ChildProcess &nginx)
{
    QDir().mkpath(dir + QStringLiteral("/logs"));
    QFile conf(dir + QStringLiteral("/nginx.conf"));
    conf.open(QIODevice::WriteOnly);
    conf.write(QStringLiteral("load_module %1;\n"
                              "daemon off;\nmaster_process off;\nworker_processes 1;\n%2"
                              "pid %3/nginx.pid;\nerror_log %3/logs/error.log warn;\n"
                              "events { worker_connections 4096; }\n"
                              "rtmp { server { listen 127.0.0.1:%4; chunk_size 4096;\n"
                              "  application live { %5 } } }\n")
                   .arg(o.rtmpModule, geteuid() == 0 ? QStringLiteral("user root;\n") : QString(), dir)
                   .arg(port)
                   .arg(application)
                   .toUtf8());
    conf.close();
    const QString log = dir + QStringLiteral("/nginx.out");
    if (!nginx.start({o.nginx, QStringLiteral("-p"), dir, QStringLiteral("-c"), conf.fileName(), QStringLiteral("-e"),
                      dir + QStringLiteral("/logs/error.log")},
                     log)
        || !waitForPort(port, nginx, 15'000))
        return QStringLiteral("nginx did not start: %1 %2").arg(lastLines(log), lastLines(dir + QStringLiteral("/logs/error.log")));
    return std::nullopt;
}

} // namespace benchclip
