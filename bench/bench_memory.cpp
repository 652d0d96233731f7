// Memory while publishing both streams (camera test pattern + tone at 1280x720, sub-stream
// from the screen when there is an X display, else a test pattern) and recording the
// camera on an in-process server: RSS each minute; steady state must not grow.
// Usage: bench_memory [minutes=10]
#include "client/publishedstream.h"
#include "client/roomclient.h"
#include "server/roomserver.h"

#include <QCoreApplication>
#include <QFile>
#include <QTemporaryDir>
#include <QTimer>
#include <cstdio>

using namespace roomrec;

namespace {
qint64 rssKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int minutes = argc > 1 ? QString::fromLatin1(argv[1]).toInt() : 10;
    QTemporaryDir dir;
    ServerConfig config;
    config.port = 0;
    config.httpPort = 0;
    config.dataDir = dir.path();
    RoomServer server(config);
    if (!server.start())
        return 1;
    MediaClock clock;
    PublishedStream::Options camera;
    camera.video = QStringLiteral("testpattern");
    camera.audio = QStringLiteral("testtone");
    camera.encoder.size = QSize(1280, 720);
    PublishedStream::Options screen;
    screen.video = qEnvironmentVariableIsEmpty("DISPLAY") ? QStringLiteral("testpattern") : QStringLiteral("screen");
    screen.encoder.frameRate = 15;
    auto cam = PublishedStream::create(clock, Track::CameraVideo, camera);
    auto sub = PublishedStream::create(clock, Track::SubStreamVideo, screen);
    if (!cam || !sub || !cam.value()->open() || !sub.value()->open()) {
        std::fprintf(stderr, "could not create the streams\n");
        return 1;
    }
    std::printf("bench_memory: camera %s + sub-stream %s, recording the camera, %d min\n",
                qPrintable(cam.value()->videoDescription()), qPrintable(sub.value()->videoDescription()), minutes);
    PublishPipeline *camPipeline = cam.value().get();
    PublishPipeline *subPipeline = sub.value().get();
    PipelineThread camThread(std::move(cam.value()));
    PipelineThread subThread(std::move(sub.value()));
    RoomClient client;
    const RoomInfo room{1, 1};
    client.connectToServer(QStringLiteral("127.0.0.1"), server.port(), QStringLiteral("bench"), {}, [&] {
        client.createRoom(room, RoomKind::MultiParty, [&](const QStringList &) {
            camThread.start();
            subThread.start();
            client.publish(camPipeline, [&] {
                client.publish(subPipeline, [&] {
                    RecordParam param;
                    param.fileName = QStringLiteral("memory");
                    client.startRecording(room, param, [] {}, [](int code, const QString &m) { std::fprintf(stderr, "%d %s\n", code, qPrintable(m)); });
                }, {});
            }, {});
        }, {});
    }, [](int code, const QString &m) { std::fprintf(stderr, "%d %s\n", code, qPrintable(m)); });

    std::printf("%8s %12s\n", "minute", "RSS MiB");
    int minute = 0;
    qint64 first = 0;
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, &app, [&] {
        ++minute;
        const qint64 rss = rssKiB();
        if (minute == 1)
            first = rss;
        std::printf("%8d %12.1f\n", minute, rss / 1024.0);
        std::fflush(stdout);
        if (minute >= minutes) {
            std::printf("growth from minute 1 to %d: %+.1f MiB; frames sent %lld, dropped for backlog %lld\n", minute,
                        (rss - first) / 1024.0, static_cast<long long>(client.recordedFramesSent()),
                        static_cast<long long>(client.packetsDroppedForBacklog()));
            app.quit();
        }
    });
    tick.start(60'000);
    app.exec();
    client.stopRecording(room, {}, {});
    camThread.stop();
    subThread.stop();
    return 0;
}
