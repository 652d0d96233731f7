#include "library/catalog.h"

#include "common/logging.h"
#include "library/catalogschema.h"
#include "protocol/errorcode.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QDeadlineTimer>
#include <QRandomGenerator>
#include <QSqlError>
#include <QThread>
#include <QUuid>

#include <algorithm>

namespace roomrec {

namespace {
const char *kColumns = "id, recording_id, segment_index, name, tags, class_id, relation_id, room_id, user_id, "
                       "stream_kind, started_at, ended_at, media_start_us, duration_us, size_bytes, video_codec, "
                       "audio_codec, width, height, state, storage_path, end_reason, processing, processing_state, derived, "
                       "storage_state, object_key, storage_error, uploads";
constexpr int kColumnCount = 29;
// Another writer changed the row between this server's read and its update.
constexpr int kModifyAttempts = 50;
// How long a SQLite connection waits for another one's lock before it reports "database is locked".
constexpr int kSqliteBusyTimeoutMs = 5000;
constexpr int kSqliteBusy = 5; // SQLITE_BUSY, the primary code of every extended BUSY code

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
            notNull(r.processingState), QString::fromUtf8(QJsonDocument(r.derived).toJson(QJsonDocument::Compact)),
            FileRecord::storageStateName(r.storageState), notNull(r.objectKey), notNull(r.storageError),
            QString::fromUtf8(QJsonDocument(r.uploads).toJson(QJsonDocument::Compact))};
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
    r.storageState = FileRecord::storageStateFromName(q.value(25).toString());
    r.objectKey = q.value(26).toString();
    r.storageError = q.value(27).toString();
    r.uploads = QJsonDocument::fromJson(q.value(28).toString().toUtf8()).object();
    r.revision = q.value(kColumnCount).toLongLong();
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

QSqlDatabase Catalog::database() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

Status Catalog::open(const QString &databasePath)
{
    return open(CatalogUrl::sqlite(databasePath));
}

Status Catalog::open(const CatalogUrl &url, quint32 nodeId)
{
    close();
    m_nodeId = nodeId;
    m_localNode = url.isShared() ? std::optional<quint32>(nodeId) : std::nullopt;
    const bool sqlite = url.backend() == CatalogUrl::Backend::Sqlite;
    m_dialect = SqlDialect(sqlite ? SqlDialect::Kind::Sqlite : SqlDialect::Kind::Postgres);
    const QString driver = sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL");
    if (!QSqlDatabase::isDriverAvailable(driver))
        return makeError(ErrorCode::CatalogueFailed,
                         QStringLiteral("Qt SQL driver %1 is not installed (Debian: %2)")
                             .arg(driver, sqlite ? QStringLiteral("libqt6sql6-sqlite") : QStringLiteral("libqt6sql6-psql")));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(driver, m_connectionName);
        if (sqlite) {
            db.setDatabaseName(url.path());
            db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kSqliteBusyTimeoutMs));
        } else {
            db.setHostName(url.host());
            db.setPort(url.port());
            db.setUserName(url.userName());
            db.setPassword(url.password());
            db.setDatabaseName(url.databaseName());
            db.setConnectOptions(QStringLiteral("connect_timeout=10;application_name=roomrec-node-%1").arg(nodeId));
        }
        if (!db.open()) {
            const Error e = makeError(ErrorCode::CatalogueFailed,
                                      QStringLiteral("%1: %2").arg(url.toDisplayString(), db.lastError().text()));
            db = QSqlDatabase();
            close();
            return e;
        }
    }
    if (!sqlite) {
        // "relation already exists, skipping" and the like would go to stderr at every start.
        if (Status s = exec(QStringLiteral("SET client_min_messages = warning")); !s)
            return s;
    }
    if (sqlite) {
        if (Status s = useWriteAheadLog(); !s)
            return s;
        // NORMAL is durable across process crashes in WAL mode; only power loss can lose the
        // last transaction, and the recovery scan rebuilds from the files.
        if (Status s = exec(QStringLiteral("PRAGMA synchronous=NORMAL")); !s)
            return s;
    }
    if (Status s = SchemaMigrator::apply(database(), m_dialect, QStringLiteral("catalog"), CatalogSchema::migrations()); !s)
        return s;
    qCInfo(lcLibrary).noquote() << "catalogue open at" << url.toDisplayString() << "as node" << nodeId;
    return success();
}

Status Catalog::useWriteAheadLog()
{
    // The switch to WAL runs outside any transaction (SQLite refuses it inside one) and, unlike
    // ordinary statements, answers SQLITE_BUSY at once, without the busy handler, while another
    // connection opens the same new file: several servers or workers starting together on a
    // fresh library hit that. The mode is stored in the file, so once any of them has switched
    // it the others find "wal" already. Retry for as long as the busy timeout would have waited.
    QDeadlineTimer deadline(kSqliteBusyTimeoutMs);
    for (int delayMs = 2;; delayMs = std::min(delayMs * 2, 100)) {
        QSqlQuery q(database());
        const bool ran = q.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
        if (ran && q.next() && q.value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) == 0)
            return success();
        const QString why = ran ? QStringLiteral("journal mode stayed %1").arg(q.value(0).toString()) : q.lastError().text();
        const bool busy = !ran && (q.lastError().nativeErrorCode().toInt() & 0xff) == kSqliteBusy;
        if ((ran || busy) && !deadline.hasExpired()) {
            q.finish();
            QThread::msleep(quint64(delayMs)); // the catalogue's own thread, never a network thread
            continue;
        }
        return makeError(ErrorCode::CatalogueFailed, QStringLiteral("cannot switch the library to WAL mode: %1").arg(why));
    }
}

void Catalog::close()
{
    m_prepared.clear(); // statements first: a connection still in use cannot be removed cleanly
    if (!QSqlDatabase::contains(m_connectionName))
        return;
    QSqlDatabase::database(m_connectionName, false).close();
    QSqlDatabase::removeDatabase(m_connectionName);
}

Status Catalog::exec(const QString &sql) const
{
    QSqlQuery q(database());
    if (!q.exec(sql))
        return sqlError(q.lastError());
    return success();
}

Result<QSqlQuery *> Catalog::prepared(const QString &sql, const QVariantList &bindings) const
{
    auto it = m_prepared.find(sql);
    if (it == m_prepared.end()) {
        if (m_prepared.size() > 64)
            m_prepared.clear(); // list queries differ by their limit; keep the cache small
        QSqlQuery q(database());
        if (!q.prepare(sql))
            return sqlError(q.lastError());
        it = m_prepared.insert(sql, q);
    }
    QSqlQuery *q = &it.value();
    for (int i = 0; i < bindings.size(); ++i)
        q->bindValue(i, bindings.at(i));
    return q;
}

Status Catalog::inTransaction(const std::function<Status()> &work)
{
    if (m_inTransaction)
        return work(); // part of the caller's transaction (insertAll)
    if (Status s = exec(m_dialect.beginWrite()); !s)
        return s;
    m_inTransaction = true;
    Status result = work();
    m_inTransaction = false;
    if (result) {
        if (Status s = exec(QStringLiteral("COMMIT")); s)
            return s;
        else
            result = s;
    }
    (void)exec(QStringLiteral("ROLLBACK"));
    return result;
}

bool Catalog::reconnectIfLost() const
{
    if (m_dialect.kind() != SqlDialect::Kind::Postgres || m_inTransaction)
        return false;
    QSqlDatabase db = database();
    if (QSqlQuery(db).exec(QStringLiteral("SELECT 1")))
        return false; // the connection works: the error was the statement's own
    m_prepared.clear(); // prepared statements die with their connection
    db.close();
    if (!db.open()) {
        qCWarning(lcLibrary).noquote() << "catalogue connection lost and not reopened:" << db.lastError().text();
        return false;
    }
    QSqlQuery(db).exec(QStringLiteral("SET client_min_messages = warning"));
    qCWarning(lcLibrary) << "catalogue connection was lost; reconnected";
    return true;
}

template <typename T>
Result<T> Catalog::retried(const std::function<Result<T>()> &call) const
{
    Result<T> result = call();
    // Only database failures: FileNotFound and the like are answers, not a lost connection.
    // A write whose COMMIT was lost in transit may have landed; its retry then fails on the
    // primary key and the caller sees that error, never a duplicate.
    if (!result && result.error().code == int(ErrorCode::CatalogueFailed) && reconnectIfLost())
        result = call();
    return result;
}

Status Catalog::writeTags(quint64 id, const QStringList &tags)
{
    QStringList unique;
    for (const QString &t : tags) {
        if (!unique.contains(t))
            unique << t;
    }
    for (const QString &tag : unique) {
        auto q = prepared(QStringLiteral("INSERT INTO file_tags (tag, file_id) VALUES (?, ?)"), {tag, qint64(id)});
        if (!q)
            return q.error();
        if (!q.value()->exec())
            return sqlError(q.value()->lastError());
    }
    return success();
}

Status Catalog::insert(const FileRecord &record)
{
    return retried<Done>([&] { return inTransaction([&] { return insertRow(record); }); });
}

Status Catalog::insertAll(const QList<FileRecord> &records)
{
    return retried<Done>([&] {
            return inTransaction([&]() -> Status {
                for (const FileRecord &r : records) {
                    if (Status s = insertRow(r); !s)
                        return s;
                }
                return success();
            });
    });
}

Status Catalog::insertRow(const FileRecord &record)
{
    QVariantList values = bindingsOf(record);
    values << qint64(m_nodeId);
    auto q = prepared(QStringLiteral("INSERT INTO files (%1, node_id, revision) VALUES (%2?, 1)")
                          .arg(QLatin1String(kColumns), QStringLiteral("?,").repeated(kColumnCount)),
                      values);
    if (!q)
        return q.error();
    if (!q.value()->exec())
        return sqlError(q.value()->lastError());
    if (Status s = writeTags(record.id, record.tags); !s)
        return s;
    // Remember the highest ID even if the row is later deleted, so IDs are never reused.
    // One row per node: servers sharing the library never wait on each other here.
    auto floor = prepared(QStringLiteral("INSERT INTO id_floors (node_id, id) VALUES (?, ?) "
                                         "ON CONFLICT (node_id) DO UPDATE SET id = %1")
                              .arg(m_dialect.greatest(QStringLiteral("id_floors.id"), QStringLiteral("excluded.id"))),
                          {qint64(m_nodeId), qint64(record.id)});
    if (!floor)
        return floor.error();
    if (!floor.value()->exec())
        return sqlError(floor.value()->lastError());
    return success();
}

Result<Catalog::UpdateOutcome> Catalog::tryUpdate(const FileRecord &record)
{
    UpdateOutcome outcome = UpdateOutcome::Done;
    Status s = retried<Done>([&] { return inTransaction([&]() -> Status {
        QStringList assignments;
        const QStringList columns = QString::fromLatin1(kColumns).split(QStringLiteral(", "));
        for (const QString &column : columns.mid(1))
            assignments << column + QStringLiteral("=?");
        const QVariantList values = bindingsOf(record);
        QVariantList bindings = values.mid(1);
        bindings << values.first();
        const bool checked = record.revision != 0;
        if (checked)
            bindings << record.revision;
        auto q = prepared(QStringLiteral("UPDATE files SET %1, revision=revision+1 WHERE id=?%2")
                              .arg(assignments.join(QLatin1Char(',')), checked ? QStringLiteral(" AND revision=?") : QString()),
                          bindings);
        if (!q)
            return q.error();
        if (!q.value()->exec())
            return sqlError(q.value()->lastError());
        if (q.value()->numRowsAffected() != 1) {
            auto current = query(QStringLiteral("id=?"), {qint64(record.id)}, 1);
            if (!current)
                return current.error();
            if (current->isEmpty())
                return makeError(ErrorCode::FileNotFound, QString::number(record.id));
            outcome = UpdateOutcome::Conflict;
            return success(); // nothing written; the caller decides
        }
        auto clear = prepared(QStringLiteral("DELETE FROM file_tags WHERE file_id=?"), {qint64(record.id)});
        if (!clear)
            return clear.error();
        if (!clear.value()->exec())
            return sqlError(clear.value()->lastError());
        return writeTags(record.id, record.tags);
    }); });
    if (!s)
        return s.error();
    return outcome;
}

Status Catalog::update(const FileRecord &record)
{
    auto outcome = tryUpdate(record);
    if (!outcome)
        return outcome.error();
    if (outcome.value() == UpdateOutcome::Conflict)
        return makeError(ErrorCode::CatalogueFailed,
                         QStringLiteral("file %1 was changed by another writer since it was read (revision %2); read it again")
                             .arg(record.id)
                             .arg(record.revision));
    return success();
}

Status Catalog::modify(quint64 id, const std::function<Status(FileRecord &)> &change)
{
    for (int attempt = 0; attempt < kModifyAttempts; ++attempt) {
        auto record = file(id);
        if (!record)
            return record.error();
        if (Status s = change(record.value()); !s)
            return s;
        record->id = id;
        auto outcome = tryUpdate(record.value());
        if (!outcome)
            return outcome.error();
        if (outcome.value() == UpdateOutcome::Done)
            return success();
        // Another writer got in between. Retrying at once let two busy writers of the same
        // row (two nodes, or a finalizer and a delete) keep colliding in step until one gave
        // up; a random, growing pause (at most 32 ms) breaks the step. This runs on the
        // catalogue's own thread, never a network one.
        QThread::msleep(QRandomGenerator::global()->bounded(1u << qMin(attempt, 5)) + 1);
    }
    return makeError(ErrorCode::CatalogueFailed,
                     QStringLiteral("file %1 kept changing under %2 attempts to update it").arg(id).arg(kModifyAttempts));
}

Status Catalog::remove(quint64 id)
{
    return retried<Done>([&] { return inTransaction([&]() -> Status {
        auto q = prepared(QStringLiteral("DELETE FROM files WHERE id=?"), {qint64(id)});
        if (!q)
            return q.error();
        if (!q.value()->exec())
            return sqlError(q.value()->lastError());
        if (q.value()->numRowsAffected() != 1)
            return makeError(ErrorCode::FileNotFound, QString::number(id));
        auto tags = prepared(QStringLiteral("DELETE FROM file_tags WHERE file_id=?"), {qint64(id)});
        if (!tags)
            return tags.error();
        if (!tags.value()->exec())
            return sqlError(tags.value()->lastError());
        return success();
    }); });
}

Result<QList<FileRecord>> Catalog::query(const QString &where, const QVariantList &bindings, int limit) const
{
    return retried<QList<FileRecord>>([&]() -> Result<QList<FileRecord>> {
        auto q = prepared(QStringLiteral("SELECT %1, revision FROM files %2 ORDER BY id LIMIT %3")
                              .arg(QLatin1String(kColumns), where.isEmpty() ? QString() : QStringLiteral("WHERE ") + where)
                              .arg(qBound(1, limit, 100000)),
                          bindings);
        if (!q)
            return q.error();
        if (!q.value()->exec())
            return sqlError(q.value()->lastError());
        QList<FileRecord> out;
        while (q.value()->next())
            out << recordFrom(*q.value());
        q.value()->finish(); // a kept SQLite statement would otherwise hold its read snapshot
        return out;
    });
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
    // Each condition has an index that leads with it and continues with id (CatalogSchema
    // v2), so "condition, ORDER BY id, LIMIT n" reads one page of the index, not the table.
    QStringList where;
    QVariantList bindings;
    if (!filter.name.isEmpty()) {
        where << QStringLiteral("name=?");
        bindings << filter.name;
    }
    if (!filter.tag.isEmpty()) {
        where << QStringLiteral("id IN (SELECT file_id FROM file_tags WHERE tag=?)");
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
    if (filter.afterId) {
        where << QStringLiteral("id>?");
        bindings << qint64(filter.afterId);
    }
    return query(where.join(QStringLiteral(" AND ")), bindings, filter.limit);
}

Result<QList<FileRecord>> Catalog::inState(FileRecord::State state) const
{
    if (m_localNode)
        return query(QStringLiteral("node_id=? AND state=?"), {qint64(*m_localNode), FileRecord::stateName(state)}, 100000);
    return query(QStringLiteral("state=?"), {FileRecord::stateName(state)}, 100000);
}

Result<QList<FileRecord>> Catalog::inStorageState(FileRecord::StorageState state) const
{
    if (m_localNode)
        return query(QStringLiteral("node_id=? AND storage_state=?"),
                     {qint64(*m_localNode), FileRecord::storageStateName(state)}, 100000);
    return query(QStringLiteral("storage_state=?"), {FileRecord::storageStateName(state)}, 100000);
}

Result<QList<FileRecord>> Catalog::processingUnfinished() const
{
    const QString unfinished = QStringLiteral("(processing_state='pending' OR processing_state LIKE 'running%')");
    if (m_localNode)
        return query(QStringLiteral("node_id=? AND ") + unfinished, {qint64(*m_localNode)}, 100000);
    return query(unfinished, {}, 100000);
}

Result<QList<FileRecord>> Catalog::recording(quint64 recordingId) const
{
    return query(QStringLiteral("recording_id=?"), {qint64(recordingId)}, 100000);
}

Result<qint64> Catalog::bytesUsedBy(const QString &userId) const
{
    return retried<qint64>([&]() -> Result<qint64> {
        // The sum is cast: PostgreSQL sums BIGINTs into NUMERIC, which Qt would hand back as a double.
        auto q = prepared(QStringLiteral("SELECT CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM files WHERE user_id=?"), {userId});
        if (!q)
            return q.error();
        if (!q.value()->exec() || !q.value()->next())
            return sqlError(q.value()->lastError());
        const qint64 bytes = q.value()->value(0).toLongLong();
        q.value()->finish();
        return bytes;
    });
}

Result<QHash<quint64, QString>> Catalog::storagePaths() const
{
    return retried<QHash<quint64, QString>>([&]() -> Result<QHash<quint64, QString>> {
        QSqlQuery q(database());
        q.setForwardOnly(true);
        if (m_localNode) {
            q.prepare(QStringLiteral("SELECT id, storage_path FROM files WHERE node_id=?"));
            q.addBindValue(qint64(*m_localNode));
        } else {
            q.prepare(QStringLiteral("SELECT id, storage_path FROM files"));
        }
        if (!q.exec())
            return sqlError(q.lastError());
        QHash<quint64, QString> paths;
        while (q.next())
            paths.insert(quint64(q.value(0).toLongLong()), q.value(1).toString());
        return paths;
    });
}

Result<quint64> Catalog::highestId() const
{
    return retried<quint64>([&]() -> Result<quint64> {
        QSqlQuery q(database());
        if (!q.exec(QStringLiteral("SELECT MAX(m) FROM (SELECT MAX(id) AS m FROM files UNION ALL SELECT MAX(id) FROM id_floors) AS ids"))
            || !q.next())
            return sqlError(q.lastError());
        return quint64(q.value(0).toLongLong());
    });
}

} // namespace roomrec
