#pragma once

#include "common/result.h"
#include "library/sqldialect.h"

#include <QList>
#include <QSqlDatabase>
#include <QStringList>

#include <functional>

namespace roomrec {

// Versioned schema migrations, one list per component ("catalog", "outbox") so each store
// keeps its own tables. The version reached is kept in the schema_version table; opening a
// database applies, in order and in one transaction, every migration above it. Servers
// starting at once on one PostgreSQL database queue on a lock, so each migration runs once.
// Databases from before versioning (SQLite catalogue files) have no row yet: their first
// migration is written to be a no-op on the tables they already have.
class SchemaMigrator {
public:
    struct Migration {
        int version = 0;
        QStringList statements; // dialect placeholders allowed (SqlDialect::expand)
        // Runs after the statements, for work SQL alone cannot do the same way on both
        // backends (reading columns, moving data).
        std::function<Status(QSqlDatabase &, const SqlDialect &)> step;
    };

    static Status apply(QSqlDatabase db, const SqlDialect &dialect, const QString &component,
                        const QList<Migration> &migrations);
    // The version a component has reached, 0 if none.
    static Result<int> version(QSqlDatabase db, const QString &component);
};

} // namespace roomrec
