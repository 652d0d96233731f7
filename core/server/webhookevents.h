#pragma once

#include "library/filerecord.h"
#include "protocol/recordparam.h"
#include "protocol/roominfo.h"
#include "server/recordingservice.h"

#include <QObject>
#include <QSet>

#include <functional>
#include <optional>

namespace roomrec {

class Catalog;
class CatalogWorker;
class WebhookOutbox;

// What the webhook says and when (docs/http-api.md, Webhook): turns the recording service's
// happenings into outbox events with their fields from the catalogue. Each event is read and
// stored in one job on the catalogue's thread (CatalogWorker), so events keep the order of
// what they tell and nothing here waits for the database.
//   recording.started  when a start succeeded;
//   file.ready         once a file is final (finalized, or repaired) with its real size;
//   recording.ended    once every file of the recording is final, so its "files" are too;
//   processing.done    when the post-processing a file asked for has finished or failed.
class WebhookEvents : public QObject {
    Q_OBJECT
public:
    WebhookEvents(CatalogWorker &catalog, WebhookOutbox &outbox, QObject *parent = nullptr);

    void recordingStarted(const QString &userId, const RoomInfo &room, quint64 recordingId, const RecordParam &param);
    void fileReady(quint64 fileId);
    void recordingEnded(const QString &userId, const RecordingOutcome &outcome);
    void processed(quint64 fileId, const QString &state);
    // Recordings a crash cut short, recovered at start (CrashRecovery): their files are final
    // now and the recordings have ended, which no event said before the crash.
    void recovered(const QList<FileRecord> &files);

private:
    struct Ending {
        QString userId;
        RecordingOutcome outcome;
        QSet<quint64> waitingFor; // files still being finalized
    };
    // Queues a job that makes and stores events on the catalogue's thread, then wakes the outbox.
    void storeEvents(std::function<Status(Catalog &)> job);
    void endingRead(const QString &userId, const RecordingOutcome &outcome, const QList<FileRecord> &files);
    // On the catalogue's thread.
    static void storeFileReady(Catalog &catalog, const FileRecord &record);
    static void storeEnded(Catalog &catalog, const Ending &ending);

    CatalogWorker &m_catalog;
    WebhookOutbox &m_outbox;
    // Files already final whose recording is still running (earlier hourly segments).
    QSet<quint64> m_readyFiles;
    QList<Ending> m_endings;
};

} // namespace roomrec
