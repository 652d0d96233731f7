#pragma once

#include "library/filerecord.h"

#include <QMutex>
#include <QObject>
#include <QThreadPool>

namespace roomrec {

class Catalog;

// Runs what a recording asked for with its RecordParam flags, as jobs on a worker thread,
// once a file is finished: "screenshot" -> cover + thumbnails (ThumbnailExtractor),
// "transcode" -> a 360p rendition, "watermark" -> the text burnt into the rendition (or into
// a full-size copy when no transcode was asked) (RenditionTranscoder). Progress and outputs
// go to the catalogue (processingState, derived), from the catalogue's own thread.
class PostProcessor : public QObject {
    Q_OBJECT
public:
    explicit PostProcessor(Catalog &catalog, QObject *parent = nullptr);
    ~PostProcessor() override;

    void enqueue(quint64 fileId);
    // Queues again what an earlier run left pending or running; returns how many.
    int resume();
    void waitForAll();

signals:
    void processed(quint64 fileId, const QString &state);

private:
    struct Update {
        quint64 fileId;
        QString state;
        QJsonArray derived;
        bool final = false;
    };
    void post(Update update);
    void applyUpdates();
    static void run(const FileRecord &record, const std::function<void(Update)> &report);

    Catalog &m_catalog;
    QThreadPool m_pool;
    QMutex m_mutex;
    QList<Update> m_updates;
};

} // namespace roomrec
