#include "testserver.h"

#include <QDebug>

std::unique_ptr<roomrec::RoomServer> startTestServer(const QString &dataDir, roomrec::ServerConfig config)
{
    config.port = 0;
    config.httpPort = 0;
    config.dataDir = dataDir;
    // ctest runs some suites a second time with connections on network threads.
    const int networkThreads = qEnvironmentVariableIntValue("ROOMREC_TEST_NETWORK_THREADS");
    if (config.networkThreads == 0 && networkThreads > 0)
        config.networkThreads = networkThreads;
    auto server = std::make_unique<roomrec::RoomServer>(config);
    const roomrec::Status started = server->start();
    if (!started) {
        qWarning().noquote() << started.error().toString();
        return nullptr;
    }
    return server;
}
