#pragma once

#include <QProcess>
#include <QStringList>

// Test support: the real roomrec-server binary in its own process, on a free port.
class ServerProcess {
public:
    ~ServerProcess();
    // Starts it with --listen 127.0.0.1:0 --data DIR plus extra; the port it listens on, or 0.
    quint16 start(const QString &binary, const QString &dataDir, const QStringList &extra = {});
    QProcess &process() { return m_process; }
    QByteArray startupOutput() const { return m_output; }

private:
    QProcess m_process;
    QByteArray m_output;
};
