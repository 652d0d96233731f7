#include "library/schemamigrator.h"

#include "common/logging.h"
#include "protocol/errorcode.h"

#include <QSqlError>
#include <QSqlQuery>

namespace roomrec {

namespace {
Error migrationError(const QString &component, int version, const QSqlError &error)
{
    return makeError(ErrorCode::CatalogueFailed,
                     QStringLiteral("schema migration %1 v%2: %3").arg(component).arg(version).arg(error.text()));
}
} // namespace

Result<int> SchemaMigrator::version(QSqlDatabase db, const QString &component)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT version FROM schema_version WHERE component=?"));
    q.addBindValue(component);
    if (!q.exec())
        return migrationError(component, 0, q.lastError());
    return q.next() ? q.value(0).toInt() : 0;
}

Status SchemaMigrator::apply(QSqlDatabase db, const SqlDialect &dialect, const QString &component,
                             const QList<Migration> &migrations)
{
    QSqlQuery q(db);
    if (!q.exec(dialect.beginWrite()))
        return migrationError(component, 0, q.lastError());
    auto fail = [&](int version, const QSqlError &error) -> Status {
        QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
        return migrationError(component, version, error);
    };
    if (!dialect.migrationLock().isEmpty() && !q.exec(dialect.migrationLock()))
        return fail(0, q.lastError());
    if (!q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version (component TEXT PRIMARY KEY, version BIGINT NOT NULL)")))
        return fail(0, q.lastError());
    auto current = version(db, component);
    if (!current) {
        QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
        return current.error();
    }
    int reached = current.value();
    for (const Migration &m : migrations) {
        if (m.version <= reached)
            continue;
        for (const QString &sql : m.statements) {
            if (!q.exec(dialect.expand(sql)))
                return fail(m.version, q.lastError());
        }
        if (m.step) {
            if (Status s = m.step(db, dialect); !s) {
                QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
                return s;
            }
        }
        reached = m.version;
    }
    if (reached != current.value()) {
        q.prepare(QStringLiteral("INSERT INTO schema_version (component, version) VALUES (?, ?) "
                                 "ON CONFLICT (component) DO UPDATE SET version = excluded.version"));
        q.addBindValue(component);
        q.addBindValue(reached);
        if (!q.exec())
            return fail(reached, q.lastError());
    }
    if (!q.exec(QStringLiteral("COMMIT")))
        return fail(reached, q.lastError());
    if (reached != current.value())
        qCInfo(lcLibrary).noquote() << "schema" << component << "migrated from v" << current.value() << "to v" << reached;
    return success();
}

} // namespace roomrec
