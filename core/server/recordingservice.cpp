#include "server/recordingservice.h"

#include "common/logging.h"
#include "protocol/errorcode.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>

#include <algorithm>

namespace roomrec {

namespace {
// Bound on waitForPostProcessing (tests and shutdown): transcodes of long files take a while.
constexpr int kPostProcessingWaitMs = 120'000;

QString outcomeKey(const QString &userId, const RoomInfo &room)
{
    return userId + QLatin1Char('@') + room.toString();
}
} // namespace

RecordingService::RecordingService(CatalogWorker &catalog, IdGenerator &ids, const ServerConfig &config, QObject *parent)
    : QObject(parent), m_catalog(catalog), m_ids(ids), m_config(config)
{
    // Post-processing works on the finished (finalized) file.
    connect(&m_finalizer, &Mp4Finalizer::fileReady, &m_postProcessor, &PostProcessor::enqueue);
    connect(&m_finalizer, &Mp4Finalizer::fileReady, this, &RecordingService::fileReady);
    connect(&m_finalizer, &Mp4Finalizer::fileKeptAsIs, this, &RecordingService::fileReady);
    connect(&m_postProcessor, &PostProcessor::processed, this, &RecordingService::fileProcessed);
    // A crash while a file was being finished left it fragmented (still playable): finish it
    // now. Files from the last week are enough; finishing takes well under a second.
    m_catalog.request<Result<QList<FileRecord>>>(
        this, [](Catalog &c) { return c.inState(FileRecord::State::Complete); },
        [this](const Result<QList<FileRecord>> &complete) {
            if (!complete)
                return;
            const QDateTime weekAgo = QDateTime::currentDateTimeUtc().addDays(-7);
            QList<FileRecord> recent;
            for (const FileRecord &r : complete.value()) {
                if (!r.endedAt.isValid() || r.endedAt >= weekAgo)
                    recent << r;
            }
            m_finalizer.resumeUnfinished(recent);
        });
    m_postProcessor.resume();
}

Result<quint64> RecordingService::start(const QString &userId, quint64 sourceId, const RoomInfo &room, const RecordParam &param,
                                        const VideoParams &video, const std::optional<AudioParams> &audio,
                                        qint64 bytesUsedBefore)
{
    if (m_recorders.contains(userId))
        return makeError(ErrorCode::RecordingAlreadyRunning);
    RecorderConfig config;
    config.directory = QDir(m_config.dataDir).absoluteFilePath(QStringLiteral("recordings"));
    config.segmentUs = m_config.segmentSeconds * 1'000'000;
    config.idleTimeoutMs = int(qMin<qint64>(m_config.idleTimeoutMs, INT_MAX));
    config.quotaBytes = m_config.quotaBytes;
    config.keyFrameTimeoutMs = m_config.keyFrameTimeoutMs;
    config.minFreeBytes = m_config.minFreeBytes;
    config.backlogBytes = m_config.recordingBacklogBytes;
    config.bytesUsedBefore = bytesUsedBefore;
    RecordingRequest request{m_ids.next(), userId, room, param, video,
                             param.recordDataType == RecordParam::Camera ? audio : std::nullopt};
    auto *recorder = new Recorder(m_catalog, m_ids, m_writers, config, request, &m_finalizer, this);
    connect(recorder, &Recorder::keyFrameNeeded, this, [this, userId](Track track) { emit keyFrameNeeded(userId, track); });
    connect(recorder, &Recorder::finished, this,
            [this, userId, recorder](const QStringList &ids, const QString &reason, int code, const QString &message) {
                onFinished(userId, recorder, ids, reason, code, message);
            });
    m_recorders.insert(userId, recorder);
    m_sources.insert(userId, sourceId);
    if (Status s = recorder->begin(); !s) {
        m_recorders.remove(userId);
        m_sources.remove(userId);
        delete recorder;
        return s.error();
    }
    m_outcomes.remove(outcomeKey(userId, room));
    qCInfo(lcServer).noquote() << "recording" << request.recordingId << "started by" << userId << "in room"
                               << room.toString() << "name" << param.fileName;
    emit recordingStarted(userId, room, request.recordingId, param);
    return request.recordingId;
}

Result<QStringList> RecordingService::stop(const QString &userId, const RoomInfo &room)
{
    Recorder *recorder = m_recorders.value(userId);
    if (!recorder || !(recorder->request().room == room)) {
        if (roomHasRecording(room))
            return makeError(ErrorCode::NotRecordingOwner);
        return makeError(ErrorCode::NotRecording);
    }
    return recorder->stop(QStringLiteral("stopped"));
}

void RecordingService::waitForFinalizedFiles(int catalogueWaitMs)
{
    const QDeadlineTimer catalogue(catalogueWaitMs);
    m_writers.waitUntilIdle();
    m_catalog.drain(int(catalogue.remainingTime()));
    m_finalizer.waitForAll();
    m_catalog.drain(int(catalogue.remainingTime()));
}

void RecordingService::waitForPostProcessing()
{
    // One pass is not enough: a writer's closed segment or a finished file reaches this thread
    // as a posted event, and may be handled only after a pass found the finalizer or the
    // post-processor idle (the next file's job then starts after we returned). So: passes,
    // each delivering what other threads posted here, until one ends with nothing left.
    const QDeadlineTimer deadline(kPostProcessingWaitMs);
    for (;;) {
        waitForFinalizedFiles(int(std::max<qint64>(deadline.remainingTime(), 0)));
        m_postProcessor.waitForAll();
        m_catalog.drain(int(std::max<qint64>(deadline.remainingTime(), 0)));
        QCoreApplication::sendPostedEvents();
        if ((m_finalizer.isIdle() && m_postProcessor.isIdle() && m_catalog.queued() == 0) || deadline.hasExpired())
            break;
    }
}

bool RecordingService::isBacklogged(const QString &userId) const
{
    const Recorder *recorder = m_recorders.value(userId);
    return recorder && recorder->isBacklogged();
}

bool RecordingService::isFileBusy(const FileRecord &record) const
{
    return m_finalizer.isBusyWith(record.id) || record.processingState == QLatin1String("pending")
           || record.processingState.startsWith(QLatin1String("running"));
}

bool RecordingService::roomHasRecording(const RoomInfo &room) const
{
    return std::any_of(m_recorders.begin(), m_recorders.end(),
                       [&room](const Recorder *r) { return r->request().room == room; });
}

bool RecordingService::push(const QString &userId, quint64 sourceId, const MediaPacket &packet)
{
    Recorder *recorder = m_recorders.value(userId);
    if (!recorder || m_sources.value(userId) != sourceId)
        return false;
    recorder->push(packet);
    // The recorder may have ended inside push (quota, error): it is then deleted later, and
    // its files no longer hold anyone back.
    return !recorder->isFinished() && recorder->isBacklogged();
}

void RecordingService::sourceGone(const QString &userId, quint64 sourceId)
{
    auto it = m_sources.find(userId);
    if (it != m_sources.end() && *it == sourceId)
        *it = 0;
}

void RecordingService::streamPublished(const QString &userId, quint64 sourceId, Track track, const VideoParams &video,
                                       const std::optional<AudioParams> &audio)
{
    Recorder *recorder = m_recorders.value(userId);
    if (!recorder || recorder->videoTrack() != track)
        return;
    quint64 &source = m_sources[userId];
    if (source != sourceId && source != 0)
        return; // another live connection of this user: it is not the one being recorded
    source = sourceId;
    recorder->restartStream(video, audio);
}

std::optional<ResumePoint> RecordingService::resume(const QString &userId, quint64 sourceId, const RoomInfo &room, Track track,
                                                   const VideoParams &video, const std::optional<AudioParams> &audio)
{
    Recorder *recorder = m_recorders.value(userId);
    if (!recorder || recorder->videoTrack() != track || !(recorder->request().room == room))
        return std::nullopt;
    // The old connection may not be known dead yet (a half-open TCP connection is noticed
    // only by the keepalive); the user's new connection saying "resume" is the live one.
    m_sources[userId] = sourceId;
    return recorder->resumeStream(video, audio);
}

std::optional<RecordingOutcome> RecordingService::lastOutcome(const QString &userId, const RoomInfo &room) const
{
    auto it = m_outcomes.constFind(outcomeKey(userId, room));
    if (it == m_outcomes.constEnd())
        return std::nullopt;
    return *it;
}

void RecordingService::stopAll(const QString &reason)
{
    const QList<Recorder *> recorders = m_recorders.values();
    for (Recorder *recorder : recorders)
        recorder->stop(reason);
}

void RecordingService::onFinished(const QString &userId, Recorder *recorder, const QStringList &ids,
                                  const QString &reason, int code, const QString &message)
{
    m_recorders.remove(userId);
    m_sources.remove(userId);
    RecordingOutcome outcome{recorder->request().recordingId, recorder->request().room, ids, reason, code, message, QDateTime::currentDateTimeUtc()};
    // Kept for users who come back; a day is plenty, and the table must not grow forever.
    const QDateTime dayAgo = outcome.endedAt.addDays(-1);
    m_outcomes.removeIf([&dayAgo](const auto &entry) { return entry.value().endedAt < dayAgo; });
    m_outcomes.insert(outcomeKey(userId, outcome.room), outcome);
    recorder->deleteLater(); // we are inside its signal
    emit recordingEnded(userId, outcome);
}

} // namespace roomrec
