#include "library/catalog.h"

#include "common/logging.h"
#include "protocol/errorcode.h"

#include <QAtomicInteger>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace roomrec {

namespace {
const char *kColumns = "id, recording_id, segment_index, name, tags, class_id, relation_id, room_id, user_id, "
                       "stream_kind, started_at, ended_at, media_start_us, duration_us, size_bytes, video_codec, "
                       "audio_codec, width, height, state, storage_path, end_reason, processing, processing_state, derived";

Error sqlError(const QSqlError &error)
{
    return makeError(ErrorCode::CatalogueFailed, error.text());
}

// Qt binds a null QString as SQL NULL; these columns are NOT NULL with '' for "none".
QString notNull(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

QVariantList bindingsOf(const FileRecord &r)
{
    return {qint64(r.id), qint64(r.recordingId), r.segmentIndex, r.name,
            QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(r.tags)).toJson(QJsonDocument::Compact)),
            qint64(r.classId), qint64(r.relationId), qint64(r.roomId), r.userId, r.streamKind,
            r.startedAt.toMSecsSinceEpoch(), r.endedAt.isValid() ? QVariant(r.endedAt.toMSecsSinceEpoch()) : QVariant(),
            r.mediaStartUs, r.durationUs, r.sizeBytes, r.videoCodec, r.audioCodec, r.width, r.height,
            FileRecord::stateName(r.state), r.storagePath, r.endReason, notNull(r.processing.join(QLatin1Char(','))),
            notNull(r.processingState), QString::fromUtf8(QJsonDocument(r.derived).toJson(QJsonDocument::Compact))};
}

FileRecord recordFrom(const QSqlQuery &q)
{
    FileRecord r;
    r.id = quint64(q.value(0).toLongLong());
    r.recordingId = quint64(q.value(1).toLongLong());
    r.segmentIndex = q.value(2).toInt();
    r.name = q.value(3).toString();
    for (const QJsonValue &t : QJsonDocument::fromJson(q.value(4).toString().toUtf8()).array())
        r.tags << t.toString();
    r.classId = quint32(q.value(5).toLongLong());
    r.relationId = quint32(q.value(6).toLongLong());
    r.roomId = quint32(q.value(7).toLongLong());
    r.userId = q.value(8).toString();
    r.streamKind = q.value(9).toInt();
    r.startedAt = QDateTime::fromMSecsSinceEpoch(q.value(10).toLongLong(), Qt::UTC);
    if (!q.value(11).isNull())
        r.endedAt = QDateTime::fromMSecsSinceEpoch(q.value(11).toLongLong(), Qt::UTC);
    r.mediaStartUs = q.value(12).toLongLong();
    r.durationUs = q.value(13).toLongLong();
    r.sizeBytes = q.value(14).toLongLong();
    r.videoCodec = q.value(15).toString();
    r.audioCodec = q.value(16).toString();
    r.width = q.value(17).toInt();
    r.height = q.value(18).toInt();
    r.state = FileRecord::stateFromName(q.value(19).toString());
    r.storagePath = q.value(20).toString();
    r.endReason = q.value(21).toString();
    r.processing = q.value(22).toString().split(QLatin1Char(','), Qt::SkipEmptyParts);
    r.processingState = q.value(23).toString();
    r.derived = QJsonDocument::fromJson(q.value(24).toString().toUtf8()).array();
    return r;
}
} // namespace

Catalog::Catalog() : m_connectionName(QStringLiteral("roomrec-catalog-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
{
}

Catalog::~Catalog()
{
    close();
}

Status Catalog::open(const QString &databasePath)
{
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        db.setDatabaseName(databasePath);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open())
            return sqlError(db.lastError());
    }
    for (const char *sql : {
             "PRAGMA journal_mode=WAL",
             // NORMAL is durable across process crashes in WAL mode; only power loss can
             // lose the last transaction, and the recovery scan rebuilds from the files.
             "PRAGMA synchronous=NORMAL",
             "CREATE TABLE IF NOT EXISTS files ("
             " id INTEGER PRIMARY KEY, recording_id INTEGER NOT NULL, segment_index INTEGER NOT NULL,"
             " name TEXT NOT NULL, tags TEXT NOT NULL, class_id INTEGER NOT NULL, relation_id INTEGER NOT NULL,"
             " room_id INTEGER NOT NULL, user_id TEXT NOT NULL, stream_kind INTEGER NOT NULL,"
             " started_at INTEGER NOT NULL, ended_at INTEGER, media_start_us INTEGER NOT NULL,"
             " duration_us INTEGER NOT NULL, size_bytes INTEGER NOT NULL, video_codec TEXT, audio_codec TEXT,"
             " width INTEGER, height INTEGER, state TEXT NOT NULL, storage_path TEXT NOT NULL, end_reason TEXT,"
             " processing TEXT NOT NULL DEFAULT '', processing_state TEXT NOT NULL DEFAULT '', derived TEXT NOT NULL DEFAULT '[]')",
             "CREATE INDEX IF NOT EXISTS files_name ON files(name)",
             "CREATE INDEX IF NOT EXISTS files_class ON files(class_id)",
             "CREATE INDEX IF NOT EXISTS files_recording ON files(recording_id, segment_index)",
             "CREATE INDEX IF NOT EXISTS files_state ON files(state)",
             "CREATE TABLE IF NOT EXISTS id_floor (k INTEGER PRIMARY KEY CHECK (k = 0), id INTEGER NOT NULL)",
         }) {
        if (Status s = exec(QLatin1String(sql)); !s)
            return s;
    }
    // Catalogues from before post-processing get its columns.
    QSqlQuery columns(QSqlDatabase::database(m_connectionName, false));
    columns.exec(QStringLiteral("PRAGMA table_info(files)"));
    QStringList existing;
    while (columns.next())
        existing << columns.value(1).toString();
    for (const auto &[name, type] : {std::pair{"processing", "TEXT NOT NULL DEFAULT ''"},
                                     std::pair{"processing_state", "TEXT NOT NULL DEFAULT ''"},
                                     std::pair{"derived", "TEXT NOT NULL DEFAULT '[]'"}}) {
        if (!existing.contains(QLatin1String(name))) {
            if (Status s = exec(QStringLiteral("ALTER TABLE files ADD COLUMN %1 %2").arg(QLatin1String(name), QLatin1String(type))); !s)
                return s;
        }
    }
    qCInfo(lcLibrary) << "catalogue open at" << databasePath;
    return success();
}

void Catalog::close()
{
    if (!QSqlDatabase::contains(m_connectionName))
        return;
    QSqlDatabase::database(m_connectionName, false).close();
    QSqlDatabase::removeDatabase(m_connectionName);
}

Status Catalog::exec(const QString &sql) const
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    if (!q.exec(sql))
        return sqlError(q.lastError());
    return success();
}

Status Catalog::insert(const FileRecord &record)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO files (%1) VALUES (%2)")
                  .arg(QLatin1String(kColumns), QStringLiteral("?,").repeated(24) + QLatin1Char('?')));
    for (const QVariant &v : bindingsOf(record))
        q.addBindValue(v);
    if (!q.exec())
        return sqlError(q.lastError());
    // Remember the highest ID even if the row is later deleted, so IDs are never reused.
    QSqlQuery floor(db);
    floor.prepare(QStringLiteral("INSERT INTO id_floor (k, id) VALUES (0, ?) "
                                 "ON CONFLICT(k) DO UPDATE SET id = max(id, excluded.id)"));
    floor.addBindValue(qint64(record.id));
    if (!floor.exec())
        return sqlError(floor.lastError());
    return success();
}

Status Catalog::update(const FileRecord &record)
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    QStringList assignments;
    const QStringList columns = QString::fromLatin1(kColumns).split(QStringLiteral(", "));
    for (const QString &column : columns.mid(1))
        assignments << column + QStringLiteral("=?");
    q.prepare(QStringLiteral("UPDATE files SET %1 WHERE id=?").arg(assignments.join(QLatin1Char(','))));
    const QVariantList values = bindingsOf(record);
    for (const QVariant &v : values.mid(1))
        q.addBindValue(v);
    q.addBindValue(values.first());
    if (!q.exec())
        return sqlError(q.lastError());
    if (q.numRowsAffected() != 1)
        return makeError(ErrorCode::FileNotFound, QString::number(record.id));
    return success();
}

Status Catalog::remove(quint64 id)
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.prepare(QStringLiteral("DELETE FROM files WHERE id=?"));
    q.addBindValue(qint64(id));
    if (!q.exec())
        return sqlError(q.lastError());
    if (q.numRowsAffected() != 1)
        return makeError(ErrorCode::FileNotFound, QString::number(id));
    return success();
}

Result<QList<FileRecord>> Catalog::query(const QString &where, const QVariantList &bindings, int limit) const
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.prepare(QStringLiteral("SELECT %1 FROM files %2 ORDER BY id LIMIT %3")
                  .arg(QLatin1String(kColumns), where.isEmpty() ? QString() : QStringLiteral("WHERE ") + where)
                  .arg(qBound(1, limit, 100000)));
    for (const QVariant &v : bindings)
        q.addBindValue(v);
    if (!q.exec())
        return sqlError(q.lastError());
    QList<FileRecord> out;
    while (q.next())
        out << recordFrom(q);
    return out;
}

Result<FileRecord> Catalog::file(quint64 id) const
{
    auto rows = query(QStringLiteral("id=?"), {qint64(id)}, 1);
    if (!rows)
        return rows.error();
    if (rows->isEmpty())
        return makeError(ErrorCode::FileNotFound, QString::number(id));
    return rows->first();
}

Result<QList<FileRecord>> Catalog::files(const FileFilter &filter) const
{
    QStringList where;
    QVariantList bindings;
    if (!filter.name.isEmpty()) {
        where << QStringLiteral("name=?");
        bindings << filter.name;
    }
    if (!filter.tag.isEmpty()) {
        where << QStringLiteral("EXISTS (SELECT 1 FROM json_each(files.tags) WHERE json_each.value=?)");
        bindings << filter.tag;
    }
    if (filter.classId) {
        where << QStringLiteral("class_id=?");
        bindings << qint64(*filter.classId);
    }
    if (!filter.userId.isEmpty()) {
        where << QStringLiteral("user_id=?");
        bindings << filter.userId;
    }
    return query(where.join(QStringLiteral(" AND ")), bindings, filter.limit);
}

Result<QList<FileRecord>> Catalog::inState(FileRecord::State state) const
{
    return query(QStringLiteral("state=?"), {FileRecord::stateName(state)}, 100000);
}

Result<QList<FileRecord>> Catalog::recording(quint64 recordingId) const
{
    return query(QStringLiteral("recording_id=?"), {qint64(recordingId)}, 100000);
}

Result<qint64> Catalog::bytesUsedBy(const QString &userId) const
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.prepare(QStringLiteral("SELECT COALESCE(SUM(size_bytes),0) FROM files WHERE user_id=?"));
    q.addBindValue(userId);
    if (!q.exec() || !q.next())
        return sqlError(q.lastError());
    return q.value(0).toLongLong();
}

Result<QHash<quint64, QString>> Catalog::storagePaths() const
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT id, storage_path FROM files")))
        return sqlError(q.lastError());
    QHash<quint64, QString> paths;
    while (q.next())
        paths.insert(quint64(q.value(0).toLongLong()), q.value(1).toString());
    return paths;
}

Result<quint64> Catalog::highestId() const
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    if (!q.exec(QStringLiteral("SELECT MAX(m) FROM (SELECT MAX(id) AS m FROM files UNION ALL SELECT MAX(id) FROM id_floor)"))
        || !q.next())
        return sqlError(q.lastError());
    return quint64(q.value(0).toLongLong());
}

} // namespace roomrec
