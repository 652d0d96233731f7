#include "recording/mp4finalizer.h"

#include "common/logging.h"
#include "library/catalogworker.h"

namespace roomrec {

Mp4Finalizer::Mp4Finalizer(CatalogWorker &catalog, QObject *parent) : QObject(parent), m_catalog(catalog)
{
    m_pool.setMaxThreadCount(1); // one file at a time: the disk is the limit anyway
}

Mp4Finalizer::~Mp4Finalizer()
{
    waitForAll();
}

void Mp4Finalizer::enqueue(quint64 fileId, const QString &path)
{
    start(fileId, path, false);
}

void Mp4Finalizer::resumeUnfinished(const QList<FileRecord> &complete)
{
    // Checking a finished file reads a few header bytes on the worker thread.
    for (const FileRecord &record : complete)
        start(record.id, record.storagePath, true);
}

void Mp4Finalizer::start(quint64 fileId, const QString &path, bool resumed)
{
    m_busy.insert(fileId);
    m_pool.start([this, fileId, path, resumed] {
        auto outcome = HybridMp4Finisher::finish(path);
        {
            QMutexLocker lock(&m_mutex);
            m_done << Finished{fileId, std::move(outcome), resumed};
        }
        QMetaObject::invokeMethod(this, &Mp4Finalizer::applyResults, Qt::QueuedConnection);
    });
}

void Mp4Finalizer::waitForAll()
{
    m_pool.waitForDone();
    applyResults();
}

void Mp4Finalizer::applyResults()
{
    QList<Finished> done;
    {
        QMutexLocker lock(&m_mutex);
        done.swap(m_done);
    }
    for (const Finished &d : done) {
        m_busy.remove(d.fileId);
        // Resumed at start: finished long ago, or a file from before hybrid finishing.
        if (d.resumed && (!d.outcome || d.outcome->alreadyFinished))
            continue;
        if (!d.outcome) {
            // The fragmented file stays as it was: it plays, only without a global index.
            qCWarning(lcRecording).noquote() << "file" << d.fileId << "kept fragmented:" << d.outcome.error().toString();
            emit fileReady(d.fileId);
            continue;
        }
        const HybridMp4Finisher::Outcome &o = d.outcome.value();
        qCDebug(lcRecording) << "file" << d.fileId << "finished:" << o.fragments << "fragments," << o.bytesWritten
                             << "bytes written," << o.bytesRead << "read, size" << o.sizeAfter;
        const quint64 fileId = d.fileId;
        const qint64 size = o.sizeAfter;
        m_catalog.write<Status>(
            [fileId, size](Catalog &catalog) {
                return catalog.modify(fileId, [size](FileRecord &record) {
                    record.sizeBytes = size;
                    return success();
                });
            },
            this, [this, fileId, size](const Status &s) {
                if (s) // else deleted meanwhile
                    emit finalized(fileId, size);
                emit fileReady(fileId);
            });
    }
}

} // namespace roomrec
