#pragma once

#include "common/result.h"
#include "server/serverconfig.h"

#include <QObject>

class QThread;

namespace roomrec {

class RoomServer;

// "Host on this computer": a RoomServer on loopback, in its own thread so recording and
// disk I/O never stall the window. Starting and stopping never wait for that thread:
// start() reports started(port) or startFailed(), stop() reports stopped() once every
// recording is finished and the thread has ended. The window shows "starting…/stopping…"
// meanwhile and defers quitting until stopped().
class EmbeddedServerHost : public QObject {
    Q_OBJECT
public:
    enum class State { Stopped, Starting, Running, Stopping };

    explicit EmbeddedServerHost(QObject *parent = nullptr);
    // The owner stops and waits for stopped() first; a server still running here is shut
    // down and its thread joined (the one wait left, when the object goes away).
    ~EmbeddedServerHost() override;

    void start(ServerConfig config);
    void stop(); // finishes every recording cleanly, then ends the thread
    State state() const { return m_state; }
    bool isRunning() const { return m_state == State::Running; }
    bool isStopped() const { return m_state == State::Stopped; }
    quint16 port() const { return m_port; }
    QString dataDir() const { return m_dataDir; }
    // The bearer token its HTTP API wants this run.
    QByteArray httpAccessToken() const { return m_httpAccessToken; }

signals:
    void started(quint16 port);
    void startFailed(int code, const QString &message);
    void stopped();

private:
    void onThreadFinished();
    void shutDownInThread(); // in m_thread

    State m_state = State::Stopped;
    bool m_stopWhenStarted = false;
    QThread *m_thread = nullptr;
    QObject *m_context = nullptr;   // has m_thread's affinity: runs the work there; deleted after it ended
    RoomServer *m_server = nullptr; // lives in m_thread, touched only there
    Error m_startError;
    quint16 m_port = 0;
    QString m_dataDir;
    QByteArray m_httpAccessToken;
};

} // namespace roomrec
