#include "library/postprocessor.h"

#include "common/logging.h"
#include "library/catalog.h"
#include "library/renditiontranscoder.h"
#include "library/thumbnailextractor.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonObject>

namespace roomrec {

PostProcessor::PostProcessor(Catalog &catalog, QObject *parent) : QObject(parent), m_catalog(catalog)
{
    m_pool.setMaxThreadCount(1); // encoding is heavy: one job at a time beside live recording
}

PostProcessor::~PostProcessor()
{
    // Shutting down: jobs not started stay "pending" in the catalogue and are resumed at the
    // next start (resume()); only the running one is waited for.
    m_pool.clear();
    waitForAll();
}

int PostProcessor::resume()
{
    auto files = m_catalog.files(FileFilter{{}, {}, {}, {}, 100000});
    if (!files)
        return 0;
    int resumed = 0;
    for (const FileRecord &r : files.value()) {
        if (r.processingState == QLatin1String("pending") || r.processingState.startsWith(QLatin1String("running"))) {
            enqueue(r.id);
            ++resumed;
        }
    }
    return resumed;
}

void PostProcessor::enqueue(quint64 fileId)
{
    auto record = m_catalog.file(fileId);
    if (!record || record->processing.isEmpty())
        return;
    record->processingState = QStringLiteral("pending");
    (void)m_catalog.update(record.value());
    const FileRecord snapshot = record.value();
    m_pool.start([this, snapshot] { run(snapshot, [this](Update u) { post(std::move(u)); }); });
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
        auto record = m_catalog.file(u.fileId);
        if (!record)
            continue; // deleted meanwhile
        record->processingState = u.state;
        if (u.final)
            record->derived = u.derived;
        (void)m_catalog.update(record.value());
        if (u.final) {
            qCInfo(lcLibrary).noquote() << "post-processing of" << u.fileId << ":" << u.state << "," << u.derived.size() << "outputs";
            emit processed(u.fileId, u.state);
        }
    }
}

void PostProcessor::run(const FileRecord &record, const std::function<void(Update)> &report)
{
    const QFileInfo video(record.storagePath);
    const QString outputDir = video.absoluteDir().filePath(QString::number(record.id));
    const bool transcode = record.processing.contains(QLatin1String("transcode"));
    const bool watermark = record.processing.contains(QLatin1String("watermark"));
    const bool screenshot = record.processing.contains(QLatin1String("screenshot"));
    QJsonArray derived;
    QStringList failures;
    report({record.id, QStringLiteral("running 0%"), {}, false});
    if (screenshot) {
        auto shots = ThumbnailExtractor::extract(record.storagePath, outputDir, {});
        if (shots) {
            for (const QJsonValue &v : shots.value())
                derived << v;
        } else {
            failures << shots.error().message;
        }
    }
    if (transcode || watermark) {
        RenditionTranscoder::Options options;
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
        } else {
            failures << size.error().message;
        }
    }
    report({record.id, failures.isEmpty() ? QStringLiteral("done") : QStringLiteral("failed: ") + failures.join(QStringLiteral("; ")),
            derived, true});
}

} // namespace roomrec
