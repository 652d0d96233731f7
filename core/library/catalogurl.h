#pragma once

#include "common/result.h"

#include <QString>

namespace roomrec {

// Where a catalogue lives, as given to `roomrec-server --catalog`:
//   sqlite:PATH                                 the embedded default, one server per file
//   postgresql://user[:password]@host[:port]/db  a library several servers share
// For PostgreSQL a password is better left out of the URL (it would show in `ps`): libpq
// then reads PGPASSWORD or ~/.pgpass itself. `?host=/run/postgresql` selects a Unix-socket
// directory instead of TCP (as in libpq's own URLs).
class CatalogUrl {
public:
    enum class Backend { Sqlite, Postgres };

    static Result<CatalogUrl> parse(const QString &url);
    static CatalogUrl sqlite(const QString &path);

    Backend backend() const { return m_backend; }
    // A PostgreSQL library is meant to be written by several servers at once; a SQLite
    // file belongs to the one server whose data folder holds it.
    bool isShared() const { return m_backend == Backend::Postgres; }
    QString path() const { return m_path; }         // SQLite file
    QString host() const { return m_host; }         // PostgreSQL host name, address or socket directory
    int port() const { return m_port; }             // 5432 unless given
    QString userName() const { return m_userName; }
    QString password() const { return m_password; }
    QString databaseName() const { return m_databaseName; }
    // For logs and errors: never shows the password.
    QString toDisplayString() const;

private:
    Backend m_backend = Backend::Sqlite;
    QString m_path;
    QString m_host;
    int m_port = 5432;
    QString m_userName;
    QString m_password;
    QString m_databaseName;
};

} // namespace roomrec
