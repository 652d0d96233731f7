#pragma once

#include "common/result.h"
#include "server/serverconfig.h"

#include <QThread>

namespace roomrec {

class RoomServer;

// "Host on this computer": a RoomServer on loopback, in its own thread so recording and
// disk I/O never stall the window. start() blocks until it listens (or failed).
class EmbeddedServerHost {
public:
    EmbeddedServerHost();
    ~EmbeddedServerHost();
    EmbeddedServerHost(const EmbeddedServerHost &) = delete;
    EmbeddedServerHost &operator=(const EmbeddedServerHost &) = delete;

    Result<quint16> start(ServerConfig config);
    void stop(); // finishes every recording cleanly, then ends the thread
    bool isRunning() const { return m_server != nullptr; }
    QString dataDir() const { return m_dataDir; }
    // The bearer token its HTTP API wants this run.
    QByteArray httpAccessToken() const { return m_httpAccessToken; }

private:
    QThread m_thread;
    QObject m_context;              // lives in m_thread: runs the set-up there
    RoomServer *m_server = nullptr; // lives in m_thread
    QString m_dataDir;
    QByteArray m_httpAccessToken;
};

} // namespace roomrec
