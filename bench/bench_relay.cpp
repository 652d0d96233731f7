// Relay load: one real-time publisher (the same 1280x720 30 fps ~2.5 Mbit/s H.264 + AAC clip
// as bench_server, paced by its timestamps) forwarded to N subscribers on loopback,
// roomrec-server (SFU) beside nginx-rtmp with `live on`.
//  - RoomRec: this process drives the publisher (publish only, no recording) and N raw
//    protocol subscribers (ClipSubscriber) that subscribe to it; roomrec-server runs as its
//    own process.
//  - nginx-rtmp: one `ffmpeg -re -i clip -c copy -f flv` publisher and N
//    `ffmpeg -i rtmp://... -c copy -f null -` players, all child processes.
// Per N: server CPU (user + system of the server process while the clip streams) per
// subscriber-stream-second, packets delivered, and for RoomRec the latency from when the
// publisher sent a video packet to when a subscriber read it (p50/p95, same clock), and for
// subscriber 0, which also decodes what it reads through RemoteMedia (libavcodec, on its own
// thread, as the app does), from then to the decoded picture and to the picture shown in
// sync with the member's audio.
// Usage: bench_relay [--quick] [--n 1,10,50,100] [--seconds 20] [--server PATH]
//                    [--nginx PATH] [--rtmp-module PATH] [--no-nginx]
#include "benchclip.h"
#include "clipsubscriber.h"
#include "cpuclock.h"

#include "client/remotemedia.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTimer>
#include <csignal>

using namespace roomrec;
using namespace benchclip;

namespace {

using Options = ServerBenchOptions;

struct Side {
    bool ran = false;
    double cpuMsPerSubscriberSecond = 0;
    double cpuSeconds = 0;
    qint64 expectedPackets = 0;  // per subscriber
    qint64 deliveredMin = -1;    // the worst subscriber's packets
    qint64 drops = 0;
    double p50Ms = -1, p95Ms = -1, maxMs = -1;
    double decodedP50Ms = -1, decodedP95Ms = -1; // sent -> decoded picture (subscriber 0)
    double shownP50Ms = -1, shownP95Ms = -1;     // sent -> picture shown with its sound
    qint64 pictures = 0;
    QStringList problems;
    QStringList notes;
};

constexpr qint64 kJoinUs = 3'000'000; // subscribers join before the clip starts

double percentile(std::vector<qint64> &values, double p)
{
    if (values.empty())
        return -1;
    const size_t i = std::min(values.size() - 1, size_t(p * double(values.size() - 1) + 0.5));
    std::nth_element(values.begin(), values.begin() + qsizetype(i), values.end());
    return double(values[i]) / 1000.0;
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
    QThread::msleep(500);

    QElapsedTimer clock;
    clock.start();
    ClipPublisher publisher(clip, 0, kJoinUs, false);
    publisher.connectTo(port);
    std::vector<std::unique_ptr<ClipSubscriber>> subscribers;
    for (int i = 0; i < n; ++i) {
        subscribers.push_back(std::make_unique<ClipSubscriber>(i, RoomInfo{1, 1}, publisher.userId(), clock,
                                                               [&publisher](qint64 dts) { return publisher.dueUs(dts); }));
    }
    // Subscriber 0 decodes: its pictures' times on this clock, against when their packet was sent.
    QHash<qint64, qint64> dtsOfPts;
    for (const MediaPacket &p : clip.packets) {
        if (p.isVideo())
            dtsOfPts.insert(p.ptsUs, p.dtsUs);
    }
    RemoteMedia::Options mediaOptions;
    mediaOptions.forceTestSink = true; // the sound is mixed and consumed in real time, not played
    mediaOptions.clock = clock;
    auto media = std::make_unique<RemoteMedia>(mediaOptions);
    std::vector<qint64> decodedLatency, shownLatency;
    QObject::connect(media.get(), &RemoteMedia::presented, media.get(),
                     [&](const QString &, Track track, qint64 ptsUs, qint64 decodedAtUs, qint64 atUs) {
                         if (track == Track::CameraAudio || !dtsOfPts.contains(ptsUs))
                             return;
                         const qint64 sentUs = publisher.dueUs(dtsOfPts.value(ptsUs));
                         decodedLatency.push_back(decodedAtUs - sentUs);
                         shownLatency.push_back(atUs - sentUs);
                     });
    QObject::connect(media.get(), &RemoteMedia::errorOccurred, media.get(), [&side](int code, const QString &message) {
        if (side.problems.size() < 10)
            side.problems << QStringLiteral("decoding subscriber: %1 %2").arg(code).arg(message);
    });
    subscribers.front()->setDecodeSinks([&media](const QList<RemoteTrack> &tracks) { media->addTracks(tracks); },
                                        [&media, &publisher](const MediaPacket &p) { media->receive(publisher.userId(), p); });
    bool connected = false;
    double cpuAtStart = -1, cpuAtEnd = -1;
    qint64 lastPingUs = 0;
    const qint64 deadlineUs = kJoinUs + qint64(clip.seconds * 2 + 60) * 1'000'000;
    QEventLoop loop;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        const qint64 now = clock.nsecsElapsed() / 1000;
        publisher.pump(now);
        // The room exists once the publisher is through its handshake.
        if (!connected && publisher.state() != ClipPublisher::State::Connecting
            && publisher.state() != ClipPublisher::State::Handshake) {
            connected = true;
            for (auto &s : subscribers)
                s->connectTo(port);
        }
        // The clip starts when its first packet is due (the handshake ends earlier).
        if (cpuAtStart < 0 && publisher.isStreaming() && now >= publisher.dueUs(0)) {
            cpuAtStart = server.cpuSecondsNow();
            int ready = 0;
            for (auto &s : subscribers)
                ready += s->state() == ClipSubscriber::State::Subscribed ? 1 : 0;
            if (ready < n)
                side.problems << QStringLiteral("only %1 of %2 subscribers were subscribed when the clip started").arg(ready).arg(n);
        }
        if (now - lastPingUs > protocol::kPingIntervalMs * 1000LL) {
            lastPingUs = now;
            for (auto &s : subscribers)
                s->ping();
        }
        bool done = publisher.finished();
        if (server.poll()) {
            side.problems << QStringLiteral("roomrec-server ended during the run (%1)").arg(server.exitDescription());
            done = true;
        } else if (now > deadlineUs) {
            side.problems << QStringLiteral("not finished after %1 s").arg(deadlineUs / 1'000'000);
            done = true;
        }
        if (done)
            loop.quit();
    });
    tick.start(2);
    loop.exec();
    cpuAtEnd = server.cpuSecondsNow();
    // What was still on its way arrives within moments; then count.
    QElapsedTimer settle;
    settle.start();
    auto allArrived = [&] {
        for (auto &s : subscribers) {
            if (s->video() + s->audio() < qint64(clip.packets.size()) && s->state() != ClipSubscriber::State::Failed)
                return false;
        }
        return true;
    };
    while (!allArrived() && settle.elapsed() < 5000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    // ... and the last pictures are decoded and shown (held at most the audio's playout delay).
    settle.restart();
    while (qint64(shownLatency.size()) < clip.videoPackets && settle.elapsed() < 5000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    side.pictures = qint64(shownLatency.size());
    side.decodedP50Ms = percentile(decodedLatency, 0.5);
    side.decodedP95Ms = percentile(decodedLatency, 0.95);
    side.shownP50Ms = percentile(shownLatency, 0.5);
    side.shownP95Ms = percentile(shownLatency, 0.95);
    side.notes << QStringLiteral("decoding subscriber: %1 of %2 pictures shown, %3 decoded, %4 dropped behind its audio, %5 late")
                      .arg(side.pictures).arg(clip.videoPackets).arg(media->picturesDecoded()).arg(media->picturesDropped())
                      .arg(media->latePictures());
    if (side.pictures < clip.videoPackets - 2) // a decoder may keep the last frames until more come
        side.problems << QStringLiteral("the decoding subscriber showed only %1 of %2 pictures").arg(side.pictures).arg(clip.videoPackets);
    media.reset(); // its thread drains on its own
    tick.stop();
    if (publisher.state() == ClipPublisher::State::Failed)
        side.problems << QStringLiteral("publisher failed: %1").arg(publisher.failure());
    side.expectedPackets = qint64(clip.packets.size());
    std::vector<qint64> latency;
    int failed = 0;
    QString firstFailure;
    for (auto &s : subscribers) {
        const qint64 got = s->video() + s->audio();
        side.deliveredMin = side.deliveredMin < 0 ? got : qMin(side.deliveredMin, got);
        side.drops += s->dropsReported();
        latency.insert(latency.end(), s->latencyUs().begin(), s->latencyUs().end());
        if (s->state() == ClipSubscriber::State::Failed && failed++ == 0)
            firstFailure = s->failure();
        s->close();
    }
    if (failed)
        side.problems << QStringLiteral("%1 of %2 subscribers failed (first: %3)").arg(failed).arg(n).arg(firstFailure);
    if (side.deliveredMin < side.expectedPackets)
        side.problems << QStringLiteral("the worst subscriber got %1 of %2 packets (%3 drops reported)")
                             .arg(side.deliveredMin).arg(side.expectedPackets).arg(side.drops);
    side.p50Ms = percentile(latency, 0.5);
    side.p95Ms = percentile(latency, 0.95);
    side.maxMs = percentile(latency, 1.0);
    server.signal(SIGTERM);
    if (!server.waitForExit(60'000)) {
        server.signal(SIGKILL);
        server.waitForExit(10'000);
    }
    if (cpuAtStart >= 0) {
        side.cpuSeconds = cpuAtEnd - cpuAtStart;
        side.cpuMsPerSubscriberSecond = side.cpuSeconds * 1000 / (n * clip.seconds);
        side.ran = true;
    }
    side.notes << QStringLiteral("publisher max late %1 ms, max unsent %2 KiB; %3 latency samples")
                      .arg(publisher.maxLateUs() / 1000).arg(publisher.maxBacklogBytes() / 1024).arg(latency.size());
    QDir(dir).removeRecursively();
    return side;
}

Side runNginx(const Options &o, const Clip &clip, const QString &clipPath, int n, const QString &work)
{
    Side side;
    const QString dir = work + QStringLiteral("/nginx-%1").arg(n);
    const quint16 port = freePort();
    ChildProcess nginx;
    if (auto failed = startNginxRtmp(o, dir, port, QStringLiteral("live on;"), nginx)) {
        side.problems << *failed;
        return side;
    }
    const QString url = QStringLiteral("rtmp://127.0.0.1:%1/live/s").arg(port);
    std::vector<std::unique_ptr<ChildProcess>> players;
    for (int i = 0; i < n; ++i) {
        auto p = std::make_unique<ChildProcess>();
        p->setSampleMemory(false);
        p->start({o.ffmpeg, QStringLiteral("-hide_banner"), QStringLiteral("-loglevel"), QStringLiteral("error"), QStringLiteral("-nostdin"),
                  QStringLiteral("-i"), url, QStringLiteral("-c"), QStringLiteral("copy"), QStringLiteral("-f"), QStringLiteral("null"),
                  QStringLiteral("-")},
                 dir + QStringLiteral("/logs/player-%1.log").arg(i));
        players.push_back(std::move(p));
    }
    QThread::usleep(kJoinUs); // the players connect and wait for the stream (idle streams)
    const double cpuAtStart = nginx.cpuSecondsNow();
    ChildProcess publisher;
    publisher.setSampleMemory(false);
    publisher.start({o.ffmpeg, QStringLiteral("-hide_banner"), QStringLiteral("-loglevel"), QStringLiteral("error"), QStringLiteral("-nostdin"),
                     QStringLiteral("-re"), QStringLiteral("-i"), clipPath, QStringLiteral("-c"), QStringLiteral("copy"),
                     QStringLiteral("-f"), QStringLiteral("flv"), url},
                    dir + QStringLiteral("/logs/publisher.log"));
    if (!publisher.waitForExit(qint64(clip.seconds * 2 + 60) * 1000))
        side.problems << QStringLiteral("the ffmpeg publisher did not finish");
    const double cpuAtEnd = nginx.cpuSecondsNow();
    if (!publisher.exitedCleanly())
        side.problems << QStringLiteral("publisher: %1: %2").arg(publisher.exitDescription(), lastLines(dir + QStringLiteral("/logs/publisher.log")));
    // Players end when the stream does; whoever does not is stopped.
    QElapsedTimer settle;
    settle.start();
    for (;;) {
        bool all = true;
        for (auto &p : players)
            all = p->poll() && all;
        if (all || settle.elapsed() > 10'000)
            break;
        QThread::msleep(50);
    }
    int stillRunning = 0;
    for (auto &p : players) {
        if (!p->poll()) {
            ++stillRunning;
            p->signal(SIGTERM); // all at once, then wait: one by one would take N times as long
        }
    }
    // One grace period for all (a player still waiting for a stream that came and went may
    // ignore SIGTERM: 5 s each would add minutes at N = 100), then SIGKILL for the rest.
    QElapsedTimer grace;
    grace.start();
    for (auto &p : players) {
        if (!p->waitForExit(int(qMax<qint64>(0, 5000 - grace.elapsed()))))
            p->signal(SIGKILL);
    }
    for (auto &p : players)
        p->waitForExit(5000);
    if (stillRunning)
        side.notes << QStringLiteral("%1 players were still running 10 s after the stream ended (stopped)").arg(stillRunning);
    nginx.signal(SIGQUIT);
    if (!nginx.waitForExit(60'000)) {
        nginx.signal(SIGKILL);
        nginx.waitForExit(10'000);
    }
    side.cpuSeconds = cpuAtEnd - cpuAtStart;
    side.cpuMsPerSubscriberSecond = side.cpuSeconds * 1000 / (n * clip.seconds);
    side.ran = true;
    QDir(dir).removeRecursively();
    return side;
}

QString num(double v, int decimals, bool ran)
{
    return ran && v >= 0 ? QString::number(v, 'f', decimals) : QStringLiteral("-");
}

void describe(const QString &name, int n, const Side &s)
{
    if (s.ran)
        log(QStringLiteral("  %1 N=%2: server CPU %3 s while streaming = %4 ms per subscriber-stream-second")
                .arg(name).arg(n).arg(s.cpuSeconds, 0, 'f', 2).arg(s.cpuMsPerSubscriberSecond, 0, 'f', 3));
    for (const QString &note : s.notes)
        log(QStringLiteral("    %1").arg(note));
    for (const QString &p : s.problems)
        log(QStringLiteral("    NOT KEPT UP / PROBLEM: %1").arg(p));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("One publisher forwarded to N subscribers: roomrec-server vs nginx-rtmp live."));
    ServerBenchParser common(parser, QStringLiteral("Subscriber"), {1, 10, 50, 100});
    parser.process(app);

    Options o;
    if (!common.read("bench_relay", o))
        return 1;
    QTemporaryDir work(QDir::tempPath() + QStringLiteral("/bench_relay-XXXXXX"));
    const QString clipPath = work.path() + QStringLiteral("/clip.mp4");
    // Without B-frames, as live encoders (the app's) send: the decoded-picture latency then has
    // no reordering delay in it that a live stream would not have.
    if (auto failed = makeClip(o.ffmpeg, o.seconds, clipPath, false)) {
        std::fprintf(stderr, "bench_relay: %s\n", qPrintable(*failed));
        return 1;
    }
    Clip clip;
    if (auto failed = loadClip(clipPath, false, clip)) {
        std::fprintf(stderr, "bench_relay: clip: %s\n", qPrintable(*failed));
        return 1;
    }
    log(QStringLiteral("bench_relay: clip %1x%2 %3/%4 fps H.264 + AAC, %5 s, %6 kbit/s, %7 video + %8 audio packets; %9 cores")
            .arg(clip.video.width).arg(clip.video.height).arg(clip.video.frameRateNum).arg(clip.video.frameRateDen)
            .arg(clip.seconds, 0, 'f', 2).arg(QFileInfo(clipPath).size() * 8 / 1000 / clip.seconds, 0, 'f', 0)
            .arg(clip.videoPackets).arg(clip.audioPackets).arg(QThread::idealThreadCount()));
    log(QStringLiteral("server: %1; baseline: nginx-rtmp (%2, one process, live on) with ffmpeg -re publisher and "
                       "ffmpeg -c copy -f null players").arg(QStringList(QStringList{o.server} + o.serverArgs).join(QLatin1Char(' ')), o.nginx));

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
    log(QStringLiteral("\nCPU = user + system of the server process while the clip streams, per subscriber per second "
                       "of stream (the publisher's ingest included, on both sides). Latency: publisher sent -> subscriber "
                       "read, video packets, all subscribers (RoomRec only; the players cannot say); decoded: publisher sent -> "
                       "picture out of libavcodec at subscriber 0 (RemoteMedia: decode thread, 640-wide picture), target p95 < 150 ms; "
                       "shown: -> the picture released in sync with the member's sound (audio jitter buffer 100 ms + mixer)."));
    log(tableRow({{QStringLiteral("N"), 4},
                  {QStringLiteral("roomrec ms/sub-s"), 16},
                  {QStringLiteral("nginx ms/sub-s"), 14},
                  {QStringLiteral("ratio"), 5},
                  {QStringLiteral("roomrec latency p50/p95/max ms"), 30},
                  {QStringLiteral("decoded p50/p95 ms"), 18},
                  {QStringLiteral("shown p50/p95 ms"), 16},
                  {QStringLiteral("worst subscriber packets"), 24},
                  {QStringLiteral("drops"), 5}}));
    for (const auto &[n, sides] : rows) {
        const Side &r = sides.first;
        const Side &x = sides.second;
        const bool ratio = r.ran && x.ran && x.cpuMsPerSubscriberSecond > 0;
        log(tableRow({{QString::number(n), 4},
                      {num(r.cpuMsPerSubscriberSecond, 3, r.ran), 16},
                      {num(x.cpuMsPerSubscriberSecond, 3, x.ran), 14},
                      {ratio ? QString::number(r.cpuMsPerSubscriberSecond / x.cpuMsPerSubscriberSecond, 'f', 2) : QStringLiteral("-"), 5},
                      {QStringLiteral("%1/%2/%3").arg(num(r.p50Ms, 1, r.ran), num(r.p95Ms, 1, r.ran), num(r.maxMs, 1, r.ran)), 30},
                      {QStringLiteral("%1/%2").arg(num(r.decodedP50Ms, 1, r.ran), num(r.decodedP95Ms, 1, r.ran)), 18},
                      {QStringLiteral("%1/%2").arg(num(r.shownP50Ms, 1, r.ran), num(r.shownP95Ms, 1, r.ran)), 16},
                      {QStringLiteral("%1/%2").arg(r.deliveredMin).arg(r.expectedPackets), 24},
                      {QString::number(r.drops), 5}}));
    }
    return 0;
}
