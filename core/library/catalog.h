#pragma once

#include "common/result.h"
#include "library/catalogurl.h"
#include "library/filefilter.h"
#include "library/filerecord.h"
#include "library/sqldialect.h"

#include <QHash>
#include <QList>
#include <QSqlQuery>
#include <QString>

#include <functional>
#include <optional>

class QSqlDatabase;

namespace roomrec {

// The video library's catalogue through Qt SQL: SQLite in WAL mode (the embedded default)
// or PostgreSQL (a library several servers share). One schema and one set of queries for
// both; SqlDialect holds the few words that differ, SchemaMigrator brings any database,
// including SQLite files from before versioning, to the current schema when it is opened.
//
// Several writers (servers with distinct node IDs, or two Catalogs on one database) are
// safe: each insert, update and remove is one transaction; IDs are primary keys; an update
// of a record that was read from the catalogue only lands if the row has not changed since
// (FileRecord::revision), and modify() does a read-modify-write that retries on conflict.
//
// Each instance has its own named connection, so several catalogues (servers in one test)
// never share state. Not thread-safe: use from the thread that opened it. With PostgreSQL,
// every call is a network round trip to the database server.
class Catalog {
public:
    Catalog();
    ~Catalog();
    Catalog(const Catalog &) = delete;
    Catalog &operator=(const Catalog &) = delete;

    Status open(const QString &databasePath); // a SQLite file
    // nodeId: the server's --node-id. Rows this server inserts are marked with it; in a
    // shared library, inState(), processingUnfinished() and storagePaths() see only those
    // rows (files on this server's disk), so start-up recovery never touches another
    // server's files.
    Status open(const CatalogUrl &url, quint32 nodeId = 0);
    void close();

    Status insert(const FileRecord &record);
    // Many rows in one transaction (imports, benchmarks): all or none.
    Status insertAll(const QList<FileRecord> &records);
    Status update(const FileRecord &record); // all fields of the row with record.id
    // Reads the row, lets `change` edit it, writes it back; if another writer changed the
    // row in between, does it again on the fresh row. `change` may run more than once.
    Status modify(quint64 id, const std::function<Status(FileRecord &)> &change);
    Status remove(quint64 id);                // the ID stays used (see highestId)
    Result<FileRecord> file(quint64 id) const;
    Result<QList<FileRecord>> files(const FileFilter &filter) const;
    Result<QList<FileRecord>> inState(FileRecord::State state) const;
    // This server's files in a storage state (object storage uploads to do or resume).
    Result<QList<FileRecord>> inStorageState(FileRecord::StorageState state) const;
    Result<QList<FileRecord>> recording(quint64 recordingId) const;
    // Files whose post-processing was pending or running (local, like inState()).
    Result<QList<FileRecord>> processingUnfinished() const;
    Result<qint64> bytesUsedBy(const QString &userId) const;
    // Every row's file ID and storage path (start-up reconciliation with the disk).
    Result<QHash<quint64, QString>> storagePaths() const;
    // Highest file ID ever handed out (kept even when rows are deleted), 0 if none.
    Result<quint64> highestId() const;
    // For stores that keep their own tables in this database (OutboxStore), on this thread.
    QString connectionName() const { return m_connectionName; }
    const SqlDialect &dialect() const { return m_dialect; }
    quint32 nodeId() const { return m_nodeId; }
    // Set when the library is shared: the node whose own rows "local" queries are limited to.
    std::optional<quint32> localNode() const { return m_localNode; }

private:
    enum class UpdateOutcome { Done, Conflict };
    Result<UpdateOutcome> tryUpdate(const FileRecord &record);
    Status insertRow(const FileRecord &record);
    Status writeTags(quint64 id, const QStringList &tags);
    Result<QList<FileRecord>> query(const QString &where, const QVariantList &bindings, int limit) const;
    // A prepared statement, kept for the connection's lifetime: with PostgreSQL, preparing
    // costs a round trip of its own.
    Result<QSqlQuery *> prepared(const QString &sql, const QVariantList &bindings) const;
    Status inTransaction(const std::function<Status()> &work);
    // PostgreSQL: a connection the database server dropped (restart, failover, idle
    // timeout) is opened again and the call made once more; true if it was reconnected.
    bool reconnectIfLost() const;
    // SQLite only: puts the file in WAL mode, waiting out other connections opening it.
    Status useWriteAheadLog();
    template <typename T>
    Result<T> retried(const std::function<Result<T>()> &call) const;
    Status exec(const QString &sql) const;
    QSqlDatabase database() const;

    QString m_connectionName;
    SqlDialect m_dialect;
    quint32 m_nodeId = 0;
    std::optional<quint32> m_localNode;
    mutable QHash<QString, QSqlQuery> m_prepared;
    bool m_inTransaction = false;
};

} // namespace roomrec
