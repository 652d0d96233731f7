#include "serverprocess.h"

#include <QRegularExpression>

ServerProcess::~ServerProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(10'000))
            m_process.kill();
    }
}

namespace {
QStringList serverArguments(const QString &dataDir)
{
    return {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--http-listen"),
            QStringLiteral("127.0.0.1:0"), QStringLiteral("--data"), dataDir};
}
} // namespace

quint16 ServerProcess::startWithFileSizeLimit(const QString &binary, const QString &dataDir, int maxFileKiB)
{
    const QString script = QStringLiteral("trap '' XFSZ; ulimit -f %1; exec \"$0\" \"$@\"").arg(maxFileKiB);
    m_process.start(QStringLiteral("/bin/sh"), QStringList{QStringLiteral("-c"), script, binary} + serverArguments(dataDir));
    return waitForPort();
}

quint16 ServerProcess::start(const QString &binary, const QString &dataDir, const QStringList &extra)
{
    m_process.start(binary, serverArguments(dataDir) + extra);
    return waitForPort();
}

quint16 ServerProcess::httpPort()
{
    while (!m_output.contains("HTTP API on") && m_process.waitForReadyRead(5000))
        m_output += m_process.readAllStandardOutput();
    const auto m = QRegularExpression(QStringLiteral("HTTP API on https?://[^\\s]+:(\\d+)/")).match(QString::fromUtf8(m_output));
    return m.hasMatch() ? quint16(m.captured(1).toUInt()) : 0;
}

quint16 ServerProcess::waitForPort()
{
    if (!m_process.waitForStarted(5000))
        return 0;
    while (!m_output.contains("listening on") && m_process.waitForReadyRead(5000))
        m_output += m_process.readAllStandardOutput();
    const auto m = QRegularExpression(QStringLiteral("listening on [^:]+:(\\d+)")).match(QString::fromUtf8(m_output));
    return m.hasMatch() ? quint16(m.captured(1).toUInt()) : 0;
}
