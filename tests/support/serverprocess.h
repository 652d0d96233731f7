#pragma once

#include <QProcess>
#include <QStringList>

// Test support: the real roomrec-server binary in its own process, on a free port.
class ServerProcess {
public:
    ~ServerProcess();
    // Starts it with --listen 127.0.0.1:0 --data DIR plus extra; the port it listens on, or 0.
    quint16 start(const QString &binary, const QString &dataDir, const QStringList &extra = {});
    // The same with no file allowed to grow past maxFileKiB (RLIMIT_FSIZE, SIGXFSZ ignored):
    // writes then fail as on a full disk.
    quint16 startWithFileSizeLimit(const QString &binary, const QString &dataDir, int maxFileKiB);
    QProcess &process() { return m_process; }
    QByteArray startupOutput() const { return m_output; }
    // The HTTP API's port from the server's start-up lines (waits for that line), or 0.
    quint16 httpPort();

private:
    quint16 waitForPort();

    QProcess m_process;
    QByteArray m_output;
};
