#include "librarybackends.h"

QString LibraryBackends::freshUrl(const QString &backend)
{
    const int n = ++m_count;
    if (backend == QLatin1String("sqlite"))
        return QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("library-%1.sqlite").arg(n));
    if (backend != QLatin1String("postgresql")) {
        m_reason = QStringLiteral("unknown backend ") + backend;
        return {};
    }
    if (!m_postgresTried) {
        m_postgresTried = true;
        if (!m_postgres.start())
            m_reason = QStringLiteral("PostgreSQL unavailable: ") + m_postgres.errorString();
    }
    if (!m_postgres.isRunning())
        return {};
    const QString url = m_postgres.createDatabase(QStringLiteral("library_%1").arg(n));
    if (url.isEmpty())
        m_reason = m_postgres.errorString();
    return url;
}
