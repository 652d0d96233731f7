#include "haproxyserver.h"

#include <QFile>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

namespace {
QString haproxyBinary()
{
    const QString inPath = QStandardPaths::findExecutable(QStringLiteral("haproxy"));
    return inPath.isEmpty() ? QStandardPaths::findExecutable(QStringLiteral("haproxy"), {QStringLiteral("/usr/sbin")}) : inPath;
}

// A port nothing listens on now. HAProxy binds it a moment later; another test taking it
// in between makes start() fail with a clear message rather than talk to the wrong server.
quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}
} // namespace

HaproxyServer::~HaproxyServer()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(10'000))
            m_process.kill();
    }
}

QString HaproxyServer::unavailableReason()
{
    return haproxyBinary().isEmpty() ? QStringLiteral("haproxy is not installed (Debian's haproxy package; scripts/deps.sh installs it)")
                                     : QString();
}

quint16 HaproxyServer::start(const QList<quint16> &backendPorts)
{
    if (!unavailableReason().isEmpty()) {
        m_error = unavailableReason();
        return 0;
    }
    const quint16 port = freePort();
    QString config = QStringLiteral(
                         "global\n"
                         "  maxconn 4096\n"
                         "defaults\n"
                         "  mode tcp\n"
                         "  timeout connect 5s\n"
                         // Media connections are long-lived: the protocol's keepalive, not
                         // HAProxy, decides when a peer is gone.
                         "  timeout client 1h\n"
                         "  timeout server 1h\n"
                         "frontend roomrec\n"
                         "  bind 127.0.0.1:%1\n"
                         "  default_backend nodes\n"
                         "backend nodes\n"
                         "  balance roundrobin\n")
                         .arg(port);
    for (int i = 0; i < backendPorts.size(); ++i)
        config += QStringLiteral("  server node%1 127.0.0.1:%2\n").arg(i + 1).arg(backendPorts[i]);
    QFile file(m_dir.filePath(QStringLiteral("haproxy.cfg")));
    if (!file.open(QIODevice::WriteOnly) || file.write(config.toUtf8()) < 0) {
        m_error = QStringLiteral("cannot write %1").arg(file.fileName());
        return 0;
    }
    file.close();
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(haproxyBinary(), {QStringLiteral("-db"), QStringLiteral("-f"), file.fileName()});
    if (!m_process.waitForStarted(5000)) {
        m_error = QStringLiteral("haproxy did not start: ") + m_process.errorString();
        return 0;
    }
    // Ready when it accepts a connection (bounded: 10 s).
    for (int attempt = 0; attempt < 100; ++attempt) {
        if (m_process.state() == QProcess::NotRunning)
            break;
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, port);
        if (probe.waitForConnected(100))
            return port;
        QThread::msleep(100);
    }
    m_error = QStringLiteral("haproxy is not accepting on port %1: %2").arg(port).arg(QString::fromUtf8(m_process.readAll()));
    return 0;
}
