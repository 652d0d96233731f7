#pragma once

#include "reconnectoption.h"

#include "client/roomclient.h"
#include "media/mediaclock.h"
#include "media/pipelinethread.h"

#include <QCommandLineParser>

// roomrec-cli record: join a room, publish a stream, record it for N seconds, print the
// file IDs as JSON. A lost connection comes back (--reconnect-seconds): the recording goes
// on in the same file with what was captured meanwhile.
class RecordCommand : public QObject {
    Q_OBJECT
public:
    // Returns the process exit code once the event loop has run the command.
    static int run(const QStringList &arguments);

private:
    explicit RecordCommand(QObject *parent = nullptr) : QObject(parent) {}
    void fail(int code, const QString &message);
    void finish(int exitCode);
    // A request cut off by a lost connection that is being restored is made again once back.
    roomrec::RoomClient::ErrorCallback failOrRetry(std::function<void()> step);
    void onReconnected(bool recordingResumed);

    roomrec::RoomClient m_client;
    roomrec::MediaClock m_clock;
    std::unique_ptr<roomrec::PipelineThread> m_camera;
    std::unique_ptr<roomrec::PipelineThread> m_subStream;
    ReconnectOption *m_reconnect = nullptr;
    std::function<void()> m_retry; // the step to make again once reconnected
    int m_exitCode = 0;
    bool m_done = false;
};
