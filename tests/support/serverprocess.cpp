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

quint16 ServerProcess::start(const QString &binary, const QString &dataDir, const QStringList &extra)
{
    m_process.start(binary, QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--http-listen"),
                                        QStringLiteral("127.0.0.1:0"), QStringLiteral("--data"), dataDir} + extra);
    if (!m_process.waitForStarted(5000))
        return 0;
    while (!m_output.contains("listening on") && m_process.waitForReadyRead(5000))
        m_output += m_process.readAllStandardOutput();
    const auto m = QRegularExpression(QStringLiteral("listening on [^:]+:(\\d+)")).match(QString::fromUtf8(m_output));
    return m.hasMatch() ? quint16(m.captured(1).toUInt()) : 0;
}
