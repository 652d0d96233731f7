#pragma once

#include "library/filerecord.h"

#include <QMutex>
#include <QObject>
#include <QThreadPool>

#include <atomic>

namespace roomrec {

class CatalogWorker;

// Runs what a recording asked for with its RecordParam flags, as jobs on a worker thread,
// once a file is finished: "screenshot" -> cover + thumbnails (ThumbnailExtractor),
// "transcode" -> a 360p rendition, "watermark" -> the text burnt into the rendition (or into
// a full-size copy when no transcode was asked) (RenditionTranscoder). Progress and outputs
// go to the catalogue (processingState, derived) on the catalogue's thread (CatalogWorker),
// never waited for.
// A job can be cancelled (cancelAll(), and always at destruction, i.e. server shutdown): it
// stops within a frame, removes what it wrote and stays "pending", so resume() at the next
// start runs it again.
class PostProcessor : public QObject {
    Q_OBJECT
public:
    explicit PostProcessor(CatalogWorker &catalog, QObject *parent = nullptr);
    ~PostProcessor() override; // cancelAll()

    // Marks the file "pending" in the catalogue, then runs its job (if it asked for any).
    void enqueue(quint64 fileId);
    // Queues again what an earlier run left pending or running; resumed() tells how many.
    void resume();
    // Waits until every job started has run to its end and its state is queued for the
    // catalogue (tests, shutdown; an enqueue() still on its way through the catalogue is not
    // waited for here: isIdle() says whether one is).
    void waitForAll();
    // No job marked, queued or running: what enqueue() was given has all run.
    bool isIdle() const { return m_inFlight.load() == 0; }
    // Drops the queued jobs and stops the running one, waiting only until it has stopped
    // (a frame's work); all of them are left "pending" in the catalogue. Jobs enqueued
    // afterwards run normally.
    void cancelAll();

signals:
    void processed(quint64 fileId, const QString &state);
    void resumed(int files);

private:
    struct Update {
        quint64 fileId;
        QString state;
        QJsonArray derived;
        bool final = false;
    };
    void post(Update update);
    void applyUpdates();
    static void run(const FileRecord &record, const std::atomic_bool &cancel, const std::function<void(Update)> &report);

    void start(const FileRecord &snapshot);

    CatalogWorker &m_catalog;
    std::atomic_bool m_cancel{false}; // read by the running job once a frame
    QThreadPool m_pool;
    QMutex m_mutex;
    QList<Update> m_updates;
    std::atomic_int m_inFlight{0}; // enqueued until the job's run ends (or nothing to run)
};

} // namespace roomrec
