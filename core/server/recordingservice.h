#pragma once

#include "common/idgenerator.h"
#include "library/catalogworker.h"
#include "library/postprocessor.h"
#include "recording/recorder.h"
#include "recording/writerthreads.h"
#include "server/serverconfig.h"

#include <QDateTime>
#include <QHash>
#include <QObject>

namespace roomrec {

struct RecordingOutcome {
    quint64 recordingId = 0;
    RoomInfo room;
    QStringList fileIds;
    QString reason;
    int errorCode = 0;
    QString errorMessage;
    QDateTime endedAt;
};

// The recording server's rules: one recording channel per user, per-user quota, stop by
// the owner only, and the last outcome per user and room kept for users who come back
// after their recording ended by itself (idle timeout, quota, error).
class RecordingService : public QObject {
    Q_OBJECT
public:
    RecordingService(CatalogWorker &catalog, IdGenerator &ids, const ServerConfig &config, QObject *parent = nullptr);

    // sourceId: the connection whose media is recorded (other connections of the same user
    // are ignored, so two devices of one user cannot interleave into one file).
    // bytesUsedBefore: the user's files in the catalogue (read by the caller when there is a
    // quota, on the catalogue's thread), so starting never waits for the database.
    Result<quint64> start(const QString &userId, quint64 sourceId, const RoomInfo &room, const RecordParam &param,
                          const VideoParams &video, const std::optional<AudioParams> &audio, qint64 bytesUsedBefore);
    Result<QStringList> stop(const QString &userId, const RoomInfo &room);
    // Returns whether the recording now waits on the disk for more than its backlog allows.
    bool push(const QString &userId, quint64 sourceId, const MediaPacket &packet);
    // The source connection went away: the recording waits (idle timeout) for the user.
    void sourceGone(const QString &userId, quint64 sourceId);
    void streamPublished(const QString &userId, quint64 sourceId, Track track, const VideoParams &video,
                         const std::optional<AudioParams> &audio);
    // A publish that asks to resume (the user back after a lost connection): the user's
    // recording of this track in this room goes on in the same file, fed by this connection
    // from now on (the old one is taken to be dead). nullopt: nothing to resume (no such
    // recording, or a different stream, which then continues in a new file).
    std::optional<ResumePoint> resume(const QString &userId, quint64 sourceId, const RoomInfo &room, Track track,
                                      const VideoParams &video, const std::optional<AudioParams> &audio);
    std::optional<RecordingOutcome> lastOutcome(const QString &userId, const RoomInfo &room) const;
    bool isRecording(const QString &userId) const { return m_recorders.contains(userId); }
    // The user's recording has more waiting for the disk than it should: hold the publisher back.
    bool isBacklogged(const QString &userId) const;
    WriterThreads &writers() { return m_writers; }
    bool roomHasRecording(const RoomInfo &room) const;
    // Being finished or post-processed: deleting it now would race those jobs.
    bool isFileBusy(const FileRecord &record) const;
    void stopAll(const QString &reason);
    // Waits until every closed file is finalized and catalogued (shutdown, tests); the
    // catalogue is waited for catalogueWaitMs in all, so a database that does not answer
    // cannot hold shutdown up (what it misses is rebuilt from the files at the next start).
    // Each step hands on through the catalogue (a file's size after its finishing), so it is
    // drained between them.
    void waitForFinalizedFiles(int catalogueWaitMs = 30'000);
    // Waits for finalization and then for the post-processing jobs, until none is left
    // (tests; a bounded wait).
    void waitForPostProcessing();

signals:
    void keyFrameNeeded(const QString &userId, roomrec::Track track);
    void recordingEnded(const QString &userId, const roomrec::RecordingOutcome &outcome);
    void recordingStarted(const QString &userId, const roomrec::RoomInfo &room, quint64 recordingId,
                          const roomrec::RecordParam &param);
    // A closed file is final (finalized, or kept fragmented when that failed), its size real.
    void fileReady(quint64 fileId);
    // The post-processing a file asked for has finished: state "done" or "failed: why".
    void fileProcessed(quint64 fileId, const QString &state);

private:
    void onFinished(const QString &userId, Recorder *recorder, const QStringList &ids, const QString &reason,
                    int code, const QString &message);

    CatalogWorker &m_catalog;
    WriterThreads m_writers; // first in, last out: segments finishing use the members below
    Mp4Finalizer m_finalizer{m_catalog};
    PostProcessor m_postProcessor{m_catalog};
    IdGenerator &m_ids;
    const ServerConfig &m_config;
    QHash<QString, Recorder *> m_recorders; // by user: one channel each
    QHash<QString, quint64> m_sources;      // by user: the connection recorded (0: gone)
    QHash<QString, RecordingOutcome> m_outcomes; // by user + room
};

} // namespace roomrec
Q_DECLARE_METATYPE(roomrec::RecordingOutcome)
