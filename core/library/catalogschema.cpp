#include "library/catalogschema.h"

#include "protocol/errorcode.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

namespace roomrec {

namespace {
Error stepError(const QString &what, const QSqlError &error)
{
    return makeError(ErrorCode::CatalogueFailed, QStringLiteral("schema migration: %1: %2").arg(what, error.text()));
}

// Catalogues from before post-processing lack its columns.
Status addPostProcessingColumns(QSqlDatabase &db, const SqlDialect &)
{
    const QSqlRecord columns = db.record(QStringLiteral("files"));
    for (const auto &[name, type] : {std::pair{"processing", "TEXT NOT NULL DEFAULT ''"},
                                     std::pair{"processing_state", "TEXT NOT NULL DEFAULT ''"},
                                     std::pair{"derived", "TEXT NOT NULL DEFAULT '[]'"}}) {
        if (columns.indexOf(QLatin1String(name)) >= 0)
            continue;
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("ALTER TABLE files ADD COLUMN %1 %2").arg(QLatin1String(name), QLatin1String(type))))
            return stepError(QStringLiteral("adding column %1").arg(QLatin1String(name)), q.lastError());
    }
    return success();
}

// Tags were only a JSON text in files.tags: give every existing row its file_tags rows.
// Done here rather than in SQL because SQLite (json_each) and PostgreSQL (json_array_
// elements_text) unpack JSON differently.
Status fillFileTags(QSqlDatabase &db, const SqlDialect &)
{
    QSqlQuery rows(db);
    if (!rows.exec(QStringLiteral("SELECT id, tags FROM files")))
        return stepError(QStringLiteral("reading tags"), rows.lastError());
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral("INSERT INTO file_tags (tag, file_id) VALUES (?, ?) ON CONFLICT DO NOTHING"));
    while (rows.next()) {
        const qint64 id = rows.value(0).toLongLong();
        for (const QJsonValue &tag : QJsonDocument::fromJson(rows.value(1).toString().toUtf8()).array()) {
            insert.bindValue(0, tag.toString());
            insert.bindValue(1, id);
            if (!insert.exec())
                return stepError(QStringLiteral("filling file_tags"), insert.lastError());
        }
    }
    return success();
}
} // namespace

QList<SchemaMigrator::Migration> CatalogSchema::migrations()
{
    return {
        {1,
         {
             // BIGINT for every integer: PostgreSQL's INTEGER is 32-bit (class IDs and times
             // need more); SQLite gives BIGINT columns the same 64-bit INTEGER affinity.
             "CREATE TABLE IF NOT EXISTS files ("
             " id {BIGINT_PK}, recording_id BIGINT NOT NULL, segment_index BIGINT NOT NULL,"
             " name TEXT NOT NULL, tags TEXT NOT NULL, class_id BIGINT NOT NULL, relation_id BIGINT NOT NULL,"
             " room_id BIGINT NOT NULL, user_id TEXT NOT NULL, stream_kind BIGINT NOT NULL,"
             " started_at BIGINT NOT NULL, ended_at BIGINT, media_start_us BIGINT NOT NULL,"
             " duration_us BIGINT NOT NULL, size_bytes BIGINT NOT NULL, video_codec TEXT, audio_codec TEXT,"
             " width BIGINT, height BIGINT, state TEXT NOT NULL, storage_path TEXT NOT NULL, end_reason TEXT,"
             " processing TEXT NOT NULL DEFAULT '', processing_state TEXT NOT NULL DEFAULT '', derived TEXT NOT NULL DEFAULT '[]')",
             "CREATE INDEX IF NOT EXISTS files_name ON files(name)",
             "CREATE INDEX IF NOT EXISTS files_class ON files(class_id)",
             "CREATE INDEX IF NOT EXISTS files_recording ON files(recording_id, segment_index)",
             "CREATE INDEX IF NOT EXISTS files_state ON files(state)",
             "CREATE TABLE IF NOT EXISTS id_floor (k BIGINT PRIMARY KEY CHECK (k = 0), id BIGINT NOT NULL)",
         },
         addPostProcessingColumns},
        {2,
         {
             "ALTER TABLE files ADD COLUMN node_id BIGINT NOT NULL DEFAULT 0",
             "ALTER TABLE files ADD COLUMN revision BIGINT NOT NULL DEFAULT 1",
             // The node is the one in the ID (IdGenerator): who wrote the file, on its disk.
             "UPDATE files SET node_id = (id >> 12) & 1023",
             "CREATE TABLE file_tags (tag TEXT NOT NULL, file_id BIGINT NOT NULL, PRIMARY KEY (tag, file_id))",
             "CREATE INDEX file_tags_file ON file_tags(file_id)",
             "CREATE TABLE id_floors (node_id BIGINT PRIMARY KEY, id BIGINT NOT NULL)",
             "INSERT INTO id_floors (node_id, id) SELECT 0, id FROM id_floor",
             "DROP TABLE id_floor",
             "DROP INDEX files_name",
             "DROP INDEX files_class",
             "DROP INDEX files_state",
             "CREATE INDEX files_name_id ON files(name, id)",
             "CREATE INDEX files_class_id ON files(class_id, id)",
             "CREATE INDEX files_user_id ON files(user_id, id)",
             "CREATE INDEX files_node_state ON files(node_id, state)",
         },
         fillFileTags},
        {3,
         {
             // Object storage (--storage s3://...): where each file lives, its key, the last
             // upload error, and the multipart uploads under way (JSON: key -> upload ID).
             "ALTER TABLE files ADD COLUMN storage_state TEXT NOT NULL DEFAULT 'local'",
             "ALTER TABLE files ADD COLUMN object_key TEXT NOT NULL DEFAULT ''",
             "ALTER TABLE files ADD COLUMN storage_error TEXT NOT NULL DEFAULT ''",
             "ALTER TABLE files ADD COLUMN uploads TEXT NOT NULL DEFAULT '{}'",
             "CREATE INDEX files_node_storage ON files(node_id, storage_state)",
         },
         {}},
    };
}

} // namespace roomrec
