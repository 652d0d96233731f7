#pragma once

#include "common/result.h"
#include "library/filefilter.h"
#include "library/filerecord.h"

#include <QHash>
#include <QList>
#include <QString>

namespace roomrec {

// The video library's catalogue: SQLite in WAL mode through Qt SQL. Each instance has its
// own named connection, so several catalogues (servers in one test) never share state.
// Not thread-safe: use from the thread that opened it.
class Catalog {
public:
    Catalog();
    ~Catalog();
    Catalog(const Catalog &) = delete;
    Catalog &operator=(const Catalog &) = delete;

    Status open(const QString &databasePath);
    void close();

    Status insert(const FileRecord &record);
    Status update(const FileRecord &record); // all fields of the row with record.id
    Status remove(quint64 id);                // the ID stays used (see highestId)
    Result<FileRecord> file(quint64 id) const;
    Result<QList<FileRecord>> files(const FileFilter &filter) const;
    Result<QList<FileRecord>> inState(FileRecord::State state) const;
    Result<QList<FileRecord>> recording(quint64 recordingId) const;
    Result<qint64> bytesUsedBy(const QString &userId) const;
    // Every row's file ID and storage path (start-up reconciliation with the disk).
    Result<QHash<quint64, QString>> storagePaths() const;
    // Highest file ID ever handed out (kept even when rows are deleted), 0 if none.
    Result<quint64> highestId() const;
    // For stores that keep their own tables in this database (OutboxStore), on this thread.
    QString connectionName() const { return m_connectionName; }

private:
    Result<QList<FileRecord>> query(const QString &where, const QVariantList &bindings, int limit) const;
    Status exec(const QString &sql) const;

    QString m_connectionName;
};

} // namespace roomrec
