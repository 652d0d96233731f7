#pragma once

#include <QString>

namespace roomrec {

// The few places where SQLite and PostgreSQL spell the same thing differently. Everything
// else in the catalogue is one SQL text for both. Schema statements name dialect types as
// {BIGINT_PK} (a 64-bit primary key: SQLite's rowid alias), {SERIAL_PK} (a key that only
// grows) and {BLOB}; expand() turns them into this dialect's words.
class SqlDialect {
public:
    enum class Kind { Sqlite, Postgres };

    explicit SqlDialect(Kind kind = Kind::Sqlite) : m_kind(kind) {}

    Kind kind() const { return m_kind; }
    QString expand(const QString &sql) const;
    // Starts a transaction that writes: SQLite takes the write lock now (BEGIN IMMEDIATE), so
    // two writers queue on the busy timeout instead of failing on a lock upgrade.
    QString beginWrite() const;
    // Serialises schema migrations between servers starting at once (PostgreSQL: an advisory
    // lock held until commit); empty for SQLite, whose BEGIN IMMEDIATE already does.
    QString migrationLock() const;
    // The larger of two values (SQLite: max(a, b); PostgreSQL: GREATEST(a, b)).
    QString greatest(const QString &a, const QString &b) const;
    // The database server's clock as milliseconds since the epoch (an SQL expression), for
    // times several servers compare (heartbeats): one clock, whatever the nodes' clocks say.
    QString nowMillis() const;

private:
    Kind m_kind;
};

} // namespace roomrec
