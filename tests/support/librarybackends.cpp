#include "librarybackends.h"

#include <QSqlDatabase>
#include <QtTest>

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

QString LibraryBackends::freshUrlForTest(const QString &backend)
{
    if (backend == QLatin1String("postgresql") && !QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL"))) {
        QTest::qSkip("Qt's PostgreSQL driver (QPSQL) is not installed: Debian's libqt6sql6-psql, which scripts/deps.sh installs",
                     __FILE__, __LINE__);
        return {};
    }
    const QString url = freshUrl(backend);
    if (url.isEmpty()) {
        if (!PostgresServer::unavailableReason().isEmpty())
            QTest::qSkip(qPrintable(m_reason), __FILE__, __LINE__);
        else
            QTest::qFail(qPrintable(m_reason), __FILE__, __LINE__);
    }
    return url;
}

void LibraryBackends::addBackendRows()
{
    QTest::addColumn<QString>("backend");
    for (const QString &b : names())
        QTest::newRow(qPrintable(b)) << b;
}
