#include "serveroptions.h"
#include "signalwatcher.h"

#include "server/roomserver.h"

#include <QCoreApplication>
#include <cstdio>

using namespace roomrec;

int main(int argc, char *argv[])
{
    // Qt's own poll() event loop instead of GLib's: the server runs no GLib code, and GLib's
    // per-wake-up bookkeeping (prepare, query and check over every socket, a mutex per step)
    // showed in a profile of 50 recording publishers. Set before the application exists,
    // since the main and writer threads pick their event dispatcher from it.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("RoomRec"));
    QCoreApplication::setApplicationName(QStringLiteral("roomrec-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ROOMREC_VERSION));

    auto config = ServerOptions::parse(app.arguments());
    if (!config) {
        std::fprintf(stderr, "roomrec-server: %s\n", qPrintable(config.error().message));
        return 2;
    }
    // Handlers first: a SIGTERM that arrives right after start-up still ends cleanly.
    SignalWatcher watcher;
    RoomServer server(config.value());
    if (Status started = server.start(); !started) {
        std::fprintf(stderr, "roomrec-server: error %d: %s\n", started.error().code, qPrintable(started.error().message));
        return 1;
    }
    for (const FileRecord &r : server.recoveredAtStart())
        std::printf("recovered file %llu (%s, %.1f s) from an unfinished recording\n",
                    static_cast<unsigned long long>(r.id), qPrintable(FileRecord::stateName(r.state)), r.durationUs / 1e6);
    std::printf("roomrec-server listening on %s:%u%s, data in %s\n", qPrintable(server.address().toString()),
                unsigned(server.port()), server.isTls() ? " (TLS)" : "", qPrintable(server.config().dataDir));
    if (server.httpPort())
        std::printf("HTTP API on %s://%s:%u/api/v1/files\n", server.httpIsTls() ? "https" : "http",
                    qPrintable(server.address().toString()), unsigned(server.httpPort()));
    std::fflush(stdout);

    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &app, [&](int number) {
        std::printf("roomrec-server: signal %d, finishing recordings\n", number);
        std::fflush(stdout);
        server.shutdown();
        app.quit();
    });
    return app.exec();
}
