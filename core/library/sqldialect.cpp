#include "library/sqldialect.h"

namespace roomrec {

QString SqlDialect::expand(const QString &sql) const
{
    QString out = sql;
    if (m_kind == Kind::Sqlite) {
        out.replace(QLatin1String("{BIGINT_PK}"), QLatin1String("INTEGER PRIMARY KEY"));
        // AUTOINCREMENT: never hands out a value again, even after the highest row is deleted.
        out.replace(QLatin1String("{SERIAL_PK}"), QLatin1String("INTEGER PRIMARY KEY AUTOINCREMENT"));
        out.replace(QLatin1String("{BLOB}"), QLatin1String("BLOB"));
    } else {
        out.replace(QLatin1String("{BIGINT_PK}"), QLatin1String("BIGINT PRIMARY KEY"));
        out.replace(QLatin1String("{SERIAL_PK}"), QLatin1String("BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"));
        out.replace(QLatin1String("{BLOB}"), QLatin1String("BYTEA"));
    }
    return out;
}

QString SqlDialect::beginWrite() const
{
    return m_kind == Kind::Sqlite ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN");
}

QString SqlDialect::migrationLock() const
{
    // Any constant works as long as every RoomRec server uses the same one.
    return m_kind == Kind::Postgres ? QStringLiteral("SELECT pg_advisory_xact_lock(7707001)") : QString();
}

QString SqlDialect::greatest(const QString &a, const QString &b) const
{
    return QStringLiteral("%1(%2, %3)").arg(m_kind == Kind::Sqlite ? QLatin1String("max") : QLatin1String("GREATEST"), a, b);
}

QString SqlDialect::nowMillis() const
{
    // clock_timestamp(), not now(): now() is the transaction's start, frozen while it runs.
    return m_kind == Kind::Sqlite ? QStringLiteral("CAST((julianday('now') - 2440587.5) * 86400000 AS BIGINT)")
                                  : QStringLiteral("CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)");
}

} // namespace roomrec
