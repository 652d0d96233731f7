#pragma once

#include "common/result.h"

#include <QMutex>
#include <QSet>
#include <QObject>
#include <QThreadPool>

namespace roomrec {

class Catalog;

// Turns a finished fragmented MP4 into a regular one (one moov with the complete index at
// the front, "faststart"), so every player knows its duration and can seek at once. The
// stream copy goes to NAME.finalizing, is synced, then atomically renamed over the
// original: a crash at any point leaves a playable file. Runs on a worker thread; the
// catalogue (which belongs to the caller's thread) is updated there afterwards.
class Mp4Finalizer : public QObject {
    Q_OBJECT
public:
    explicit Mp4Finalizer(Catalog &catalog, QObject *parent = nullptr);
    ~Mp4Finalizer() override;

    void enqueue(quint64 fileId, const QString &path);
    // For files that are not finalized (repaired or failed): announced as final all the same.
    void keepAsIs(quint64 fileId) { emit fileKeptAsIs(fileId); }
    // Queued or being finished (its file must not be deleted under it).
    bool isBusyWith(quint64 fileId) const { return m_busy.contains(fileId); }
    // Blocks until every queued file is done and catalogued (shutdown, tests).
    void waitForAll();

    static Result<qint64> finalize(const QString &path); // the new size
    static QString temporaryPath(const QString &path) { return path + QStringLiteral(".finalizing"); }

signals:
    void finalized(quint64 fileId, qint64 sizeBytes);
    // The file is done with (finalized, or kept fragmented when that failed).
    void fileReady(quint64 fileId);
    // A file that never comes here (repaired after a write error, or failed) is final too.
    void fileKeptAsIs(quint64 fileId);

private:
    void applyResults();

    struct Done {
        quint64 fileId;
        Result<qint64> size;
    };
    Catalog &m_catalog;
    QThreadPool m_pool;
    QMutex m_mutex;
    QList<Done> m_done;
    QSet<quint64> m_busy; // owner thread only
};

} // namespace roomrec
