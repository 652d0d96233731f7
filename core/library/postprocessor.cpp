#include "library/postprocessor.h"

#include "common/logging.h"
#include "library/catalogworker.h"
#include "library/renditiontranscoder.h"
#include "library/thumbnailextractor.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>

#include <memory>

namespace roomrec {

PostProcessor::PostProcessor(CatalogWorker &catalog, QObject *parent) : QObject(parent), m_catalog(catalog)
{
    m_pool.setMaxThreadCount(1); // encoding is heavy: one job at a time beside live recording
}

PostProcessor::~PostProcessor()
{
    // Shutting down must not wait for a whole transcode: every job, running or not, stays
    // "pending" in the catalogue and is resumed at the next start (resume()).
    cancelAll();
}

void PostProcessor::cancelAll()
{
    m_cancel = true;
    m_pool.clear(); // queued jobs never start; enqueue() already marked them pending
    m_pool.waitForDone();
    m_cancel = false;
    applyUpdates(); // the stopped job's "pending" lands before we return
}

void PostProcessor::resume()
{
    // This server's own files only: in a shared library the others' are not on this disk.
    m_catalog.write<Result<QList<FileRecord>>>(
        [](Catalog &catalog) { return catalog.processingUnfinished(); }, this,
        [this](const Result<QList<FileRecord>> &files) {
            if (!files)
                return;
            for (const FileRecord &r : files.value())
                enqueue(r.id);
            if (!files->isEmpty())
                qCInfo(lcLibrary) << "resuming post-processing of" << files->size() << "file(s)";
            emit resumed(int(files->size()));
        });
}

void PostProcessor::enqueue(quint64 fileId)
{
    // The job starts from the row as marked "pending", read and written in one go.
    ++m_inFlight;
    m_catalog.write<Result<std::optional<FileRecord>>>(
        [fileId](Catalog &catalog) -> Result<std::optional<FileRecord>> {
            auto record = catalog.file(fileId);
            if (!record)
                return record.error();
            if (record->processing.isEmpty())
                return std::optional<FileRecord>();
            record->processingState = QStringLiteral("pending");
            if (Status s = catalog.update(record.value()); !s)
                return s.error();
            return std::optional<FileRecord>(record.value());
        },
        this, [this](const Result<std::optional<FileRecord>> &marked) {
            if (marked && marked.value())
                start(*marked.value());
            else
                --m_inFlight;
        });
}

void PostProcessor::start(const FileRecord &snapshot)
{
    // Counted out when the job is destroyed: after its run (its last update already posted,
    // which waitForAll() applies), or unrun when cancelAll() drops it from the queue.
    std::shared_ptr<void> inFlight(nullptr, [this](void *) { --m_inFlight; });
    m_pool.start([this, snapshot, inFlight] { run(snapshot, m_cancel, [this](Update u) { post(std::move(u)); }); });
}

void PostProcessor::waitForAll()
{
    m_pool.waitForDone();
    applyUpdates();
}

void PostProcessor::post(Update update)
{
    {
        QMutexLocker lock(&m_mutex);
        m_updates << std::move(update);
    }
    QMetaObject::invokeMethod(this, &PostProcessor::applyUpdates, Qt::QueuedConnection);
}

void PostProcessor::applyUpdates()
{
    QList<Update> updates;
    {
        QMutexLocker lock(&m_mutex);
        updates.swap(m_updates);
    }
    for (const Update &u : updates) {
        m_catalog.write<Status>(
            [u](Catalog &catalog) {
                return catalog.modify(u.fileId, [&u](FileRecord &record) {
                    record.processingState = u.state;
                    if (u.final)
                        record.derived = u.derived;
                    return success();
                });
            },
            this, [this, u](const Status &s) {
                if (!s || !u.final)
                    return; // deleted meanwhile, or progress
                qCInfo(lcLibrary).noquote() << "post-processing of" << u.fileId << ":" << u.state << "," << u.derived.size() << "outputs";
                emit processed(u.fileId, u.state);
            });
    }
}

void PostProcessor::run(const FileRecord &record, const std::atomic_bool &cancel, const std::function<void(Update)> &report)
{
    const QFileInfo video(record.storagePath);
    const QString outputDir = video.absoluteDir().filePath(QString::number(record.id));
    const bool transcode = record.processing.contains(QLatin1String("transcode"));
    const bool watermark = record.processing.contains(QLatin1String("watermark"));
    const bool screenshot = record.processing.contains(QLatin1String("screenshot"));
    QJsonArray derived;
    QStringList failures;
    // Latched once seen, at a step's start or on its failure: a job whose steps all
    // finished is kept even when the cancel comes just after.
    bool stopped = false;
    auto cancelled = [&] { return stopped = stopped || cancel.load(); };
    report({record.id, QStringLiteral("running 0%"), {}, false});
    if (screenshot && !cancelled()) {
        ThumbnailExtractor::Options options;
        options.cancel = &cancel;
        auto shots = ThumbnailExtractor::extract(record.storagePath, outputDir, options);
        if (shots) {
            for (const QJsonValue &v : shots.value())
                derived << v;
        } else if (!cancelled()) {
            failures << shots.error().message;
        }
    }
    if ((transcode || watermark) && !cancelled()) {
        RenditionTranscoder::Options options;
        options.cancel = &cancel;
        options.height = transcode ? 360 : 0;
        options.bitrate = transcode ? 600'000 : 2'000'000;
        if (watermark)
            options.watermark = QStringLiteral("ROOMREC %1").arg(record.id);
        QDir().mkpath(outputDir);
        const QString path = QDir(outputDir).filePath(transcode ? QStringLiteral("360p.mp4") : QStringLiteral("watermarked.mp4"));
        auto size = RenditionTranscoder::transcode(record.storagePath, path, options, [&](int percent) {
            report({record.id, QStringLiteral("running %1%").arg(percent), {}, false});
        });
        if (size) {
            derived << QJsonObject{{QStringLiteral("kind"), QStringLiteral("rendition")}, {QStringLiteral("path"), path},
                                   {QStringLiteral("width"), size->width()}, {QStringLiteral("height"), size->height()},
                                   {QStringLiteral("watermark"), watermark}};
        } else if (!cancelled()) {
            failures << size.error().message;
        }
    }
    if (stopped) {
        // Half done is not kept: the outputs of the finished steps would be in no catalogue
        // entry (the interrupted step removed its own). The next run starts from scratch.
        for (const QJsonValue &v : std::as_const(derived))
            QFile::remove(v.toObject().value(QStringLiteral("path")).toString());
        QDir().rmdir(outputDir); // only when empty: never an earlier run's outputs
        qCInfo(lcLibrary) << "post-processing of" << record.id << "cancelled; left pending";
        report({record.id, QStringLiteral("pending"), {}, false});
        return;
    }
    report({record.id, failures.isEmpty() ? QStringLiteral("done") : QStringLiteral("failed: ") + failures.join(QStringLiteral("; ")),
            derived, true});
}

} // namespace roomrec
