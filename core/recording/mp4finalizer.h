#pragma once

#include "common/result.h"
#include "recording/hybridmp4finisher.h"

#include "library/filerecord.h"

#include <QMutex>
#include <QSet>
#include <QObject>
#include <QThreadPool>

namespace roomrec {

class CatalogWorker;

// Finishes closed fragmented MP4s into regular ones in place (HybridMp4Finisher: a
// complete moov appended, the reserved header flipped into one mdat), so every player
// knows the duration and can seek at once, without the media being written again. Runs on
// one worker thread; the new size then goes to the catalogue's thread, and the file is
// announced once it has landed there.
class Mp4Finalizer : public QObject {
    Q_OBJECT
public:
    explicit Mp4Finalizer(CatalogWorker &catalog, QObject *parent = nullptr);
    ~Mp4Finalizer() override;

    void enqueue(quint64 fileId, const QString &path);
    // At start: files catalogued as complete whose finishing a crash may have cut short.
    // Those already finished are passed over silently; the others are finished and announced.
    void resumeUnfinished(const QList<FileRecord> &complete);
    // For files that are not finalized (repaired or failed): announced as final all the same.
    void keepAsIs(quint64 fileId) { emit fileKeptAsIs(fileId); }
    // Queued or being finished (its file must not be deleted under it).
    bool isBusyWith(quint64 fileId) const { return m_busy.contains(fileId); }
    bool isIdle() const { return m_busy.isEmpty(); }
    // Blocks until every queued file is done and its size queued for the catalogue (shutdown, tests).
    void waitForAll();

signals:
    void finalized(quint64 fileId, qint64 sizeBytes);
    // The file is done with (finished, or kept fragmented when that failed).
    void fileReady(quint64 fileId);
    // A file that never comes here (repaired after a write error, or failed) is final too.
    void fileKeptAsIs(quint64 fileId);

private:
    void applyResults();

    struct Finished {
        quint64 fileId;
        Result<HybridMp4Finisher::Outcome> outcome;
        bool resumed = false;
    };
    void start(quint64 fileId, const QString &path, bool resumed);
    CatalogWorker &m_catalog;
    QThreadPool m_pool;
    QMutex m_mutex;
    QList<Finished> m_done;
    QSet<quint64> m_busy; // owner thread only
};

} // namespace roomrec
