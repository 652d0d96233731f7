#pragma once

#include "library/filerecord.h"
#include "protocol/recordparam.h"
#include "protocol/roominfo.h"
#include "server/recordingservice.h"

#include <QObject>
#include <QSet>

namespace roomrec {

class Catalog;
class WebhookOutbox;

// What the webhook says and when (docs/http-api.md, Webhook): turns the recording service's
// happenings into outbox events with their fields from the catalogue.
//   recording.started  when a start succeeded;
//   file.ready         once a file is final (finalized, or repaired) with its real size;
//   recording.ended    once every file of the recording is final, so its "files" are too;
//   processing.done    when the post-processing a file asked for has finished or failed.
class WebhookEvents : public QObject {
    Q_OBJECT
public:
    WebhookEvents(Catalog &catalog, WebhookOutbox &outbox, QObject *parent = nullptr);

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
    void sendFileReady(const FileRecord &record);
    void sendEnded(const Ending &ending);

    Catalog &m_catalog;
    WebhookOutbox &m_outbox;
    // Files already final whose recording is still running (earlier hourly segments).
    QSet<quint64> m_readyFiles;
    QList<Ending> m_endings;
};

} // namespace roomrec
