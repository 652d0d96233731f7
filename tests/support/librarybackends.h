#pragma once

#include "postgresserver.h"

#include <QStringList>
#include <QTemporaryDir>

// Test support: fresh, empty libraries on each catalogue backend, as --catalog URLs, so one
// test body runs on SQLite and on PostgreSQL (a data-driven "backend" column). The
// PostgreSQL server is started on first use and stopped with this object; each library is
// a database of its own on it.
class LibraryBackends {
public:
    static QStringList names() { return {QStringLiteral("sqlite"), QStringLiteral("postgresql")}; }

    // A new empty library; empty if the backend cannot run here (see skipReason()).
    QString freshUrl(const QString &backend);
    // freshUrl() inside a QtTest function: skips the test where PostgreSQL cannot run on
    // this machine, fails it where it should have run; empty then (the caller returns).
    QString freshUrlForTest(const QString &backend);
    // The data-driven "backend" column with one row per backend.
    static void addBackendRows();
    // Why freshUrl() gave nothing (for QSKIP / QFAIL).
    QString skipReason() const { return m_reason; }
    PostgresServer &postgres() { return m_postgres; }

private:
    QTemporaryDir m_dir;
    PostgresServer m_postgres;
    bool m_postgresTried = false;
    int m_count = 0;
    QString m_reason;
};
