#pragma once

#include <QList>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

// Test support: a real HAProxy (Debian's haproxy package) in TCP mode on loopback, spreading
// connections round-robin over the given backends, as an operator puts it in front of
// several roomrec-server nodes. Runs in the foreground (-db) from a config in a temporary
// folder and is stopped when this object goes.
class HaproxyServer {
public:
    ~HaproxyServer();

    // Why HAProxy cannot run here (the program is missing: scripts/deps.sh installs it); empty if it can.
    static QString unavailableReason();

    // Starts it in front of the backends (ports on 127.0.0.1) and waits until it accepts
    // connections; the port it listens on, or 0 with errorString().
    quint16 start(const QList<quint16> &backendPorts);
    QString errorString() const { return m_error; }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    QString m_error;
};
