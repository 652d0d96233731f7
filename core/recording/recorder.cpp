#include "recording/recorder.h"

#include "common/logging.h"
#include "protocol/errorcode.h"

#include <QDir>
#include <QPointer>
#include <QFile>
#include <QStorageInfo>

#ifdef Q_OS_UNIX
#include <sys/statvfs.h>
#include <unistd.h>
#endif

namespace roomrec {

namespace {
// After a cut, the old file waits this long (media time) for audio stamped before the cut.
constexpr qint64 kLateAudioWindowUs = 1'000'000;

bool sameVideo(const VideoParams &a, const VideoParams &b)
{
    return a.codec == b.codec && a.width == b.width && a.height == b.height && a.frameRateNum == b.frameRateNum
           && a.frameRateDen == b.frameRateDen && a.extradata == b.extradata;
}

bool sameAudio(const std::optional<AudioParams> &a, const std::optional<AudioParams> &b)
{
    if (!a || !b)
        return !a && !b;
    return a->codec == b->codec && a->sampleRate == b->sampleRate && a->channels == b->channels && a->extradata == b->extradata;
}

// Bytes an unprivileged writer may still use on the file system holding `directory`; -1 when
// unknown. On Unix this is statvfs alone: QStorageInfo also reads and parses the whole mount
// table (/proc/self/mountinfo) every time, which at once a second per running recording was
// a visible share of a busy server's CPU.
qint64 bytesAvailable(const QString &directory)
{
#ifdef Q_OS_UNIX
    struct statvfs fs {};
    if (::statvfs(QFile::encodeName(directory).constData(), &fs) != 0)
        return -1;
    return qint64(fs.f_bavail) * qint64(fs.f_frsize);
#else
    const QStorageInfo storage(directory);
    return storage.isValid() ? storage.bytesAvailable() : -1;
#endif
}
} // namespace

Recorder::Recorder(CatalogWorker &catalog, IdGenerator &ids, WriterThreads &writers, RecorderConfig config, RecordingRequest request,
                   Mp4Finalizer *finalizer, QObject *parent)
    : QObject(parent), m_catalog(catalog), m_ids(ids), m_writers(writers), m_finalizer(finalizer), m_config(std::move(config)),
      m_request(std::move(request))
{
    connect(&m_watchdog, &QTimer::timeout, this, &Recorder::checkIdle);
}

Recorder::~Recorder()
{
    if (!m_finished)
        stop(QStringLiteral("shutdown"));
}

Track Recorder::videoTrack() const
{
    return m_request.param.recordDataType == RecordParam::SubStream ? Track::SubStreamVideo : Track::CameraVideo;
}

Status Recorder::checkFileName() const
{
    // "NAME-ID.mp4": the ID has up to 20 digits. The limit is in bytes of the file system's
    // encoding (UTF-8 here), so 100 CJK characters (300 bytes) do not fit in 255.
    const qint64 bytes = QFile::encodeName(m_request.param.fileName).size() + 1 + 20 + 4;
    qint64 nameMax = 255;
#ifdef Q_OS_UNIX
    const long limit = ::pathconf(QFile::encodeName(m_config.directory).constData(), _PC_NAME_MAX);
    if (limit > 0)
        nameMax = limit;
#endif
    if (bytes > nameMax)
        return makeError(ErrorCode::FileNameTooLong, QStringLiteral("%1 bytes in UTF-8 with its suffix, the file system allows %2")
                                                         .arg(bytes).arg(nameMax));
    return success();
}

Status Recorder::checkStorage() const
{
    const qint64 available = bytesAvailable(m_config.directory);
    if (available >= 0 && available < m_config.minFreeBytes)
        return makeError(ErrorCode::StorageFull, QStringLiteral("%1 MiB free, the floor is %2 MiB")
                                                     .arg(available / (1024 * 1024))
                                                     .arg(m_config.minFreeBytes / (1024 * 1024)));
    return success();
}

Status Recorder::begin()
{
    if (!QDir().mkpath(m_config.directory))
        return makeError(ErrorCode::StorageWriteFailed, QStringLiteral("cannot create %1").arg(m_config.directory));
    if (Status s = checkFileName(); !s)
        return s;
    if (Status s = checkStorage(); !s)
        return s;
    if (m_config.quotaBytes > 0 && m_config.bytesUsedBefore >= m_config.quotaBytes)
        return makeError(ErrorCode::InsufficientStorageQuota);
    m_sinceMedia.start();
    m_sinceKeyFrameRequest.start();
    m_waitingForKeyFrame.start();
    m_watchdog.start(qBound(50, qMin(m_config.idleTimeoutMs, m_config.keyFrameTimeoutMs) / 4, 1000));
    emit keyFrameNeeded(videoTrack());
    return success();
}

QString Recorder::segmentPath(quint64 id) const
{
    const QString day = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd"));
    QDir dir(m_config.directory);
    dir.mkpath(day);
    return dir.absoluteFilePath(QStringLiteral("%1/%2-%3.mp4").arg(day, m_request.param.fileName).arg(id));
}

Status Recorder::openSegment(qint64 mediaStartUs)
{
    FileRecord record;
    record.id = m_ids.next();
    record.recordingId = m_request.recordingId;
    record.segmentIndex = m_segmentIndex++;
    record.name = m_request.param.fileName;
    record.tags = m_request.param.tags;
    record.classId = m_request.param.classId;
    record.relationId = m_request.room.relationId;
    record.roomId = m_request.room.roomId;
    record.userId = m_request.userId;
    record.streamKind = int(m_request.param.recordDataType);
    const RecordParam &p = m_request.param;
    for (const auto &[wanted, name] : {std::pair{p.transcode, "transcode"}, std::pair{p.screenshot, "screenshot"},
                                       std::pair{p.watermark, "watermark"}}) {
        if (wanted)
            record.processing << QLatin1String(name);
    }
    record.mediaStartUs = mediaStartUs;
    record.storagePath = segmentPath(record.id);
    auto segment = std::make_unique<Segment>(m_catalog, record, m_writers, m_finalizer);
    QPointer<Recorder> self(this);
    // A write that fails on the writer thread ends the recording (disk full, I/O error).
    if (Status s = segment->open(m_request.video, m_request.audio, [self](const Error &error) {
            if (self)
                self->fail(error);
        });
        !s)
        return s;
    m_current = std::move(segment);
    return success();
}

void Recorder::closeSegment(std::unique_ptr<Segment> &segment, const QString &reason)
{
    if (!segment)
        return;
    m_bytesClosed += segment->bytesWritten();
    m_closedIds << segment->id();
    segment.release()->close(reason); // it deletes itself once its file is finished
}

void Recorder::closePrevious()
{
    closeSegment(m_previous, QStringLiteral("segment"));
}

bool Recorder::isBacklogged() const
{
    const qint64 queued = (m_current ? m_current->queuedBytes() : 0) + (m_previous ? m_previous->queuedBytes() : 0);
    return queued > m_config.backlogBytes;
}

void Recorder::push(const MediaPacket &packet)
{
    if (m_finished)
        return;
    if (packet.isVideo() && packet.track != videoTrack())
        return;
    if (!packet.isVideo() && !m_request.audio)
        return;
    m_sinceMedia.restart();

    if (!m_current) {
        if (!packet.isVideo() || !packet.key) {
            if (packet.isVideo() && m_sinceKeyFrameRequest.elapsed() >= m_config.keyFrameRetryMs) {
                m_sinceKeyFrameRequest.restart();
                emit keyFrameNeeded(videoTrack());
            }
            return; // recording starts at a key frame
        }
        // Continue the timeline where the last segment ended (after a re-publish), or at 0.
        const qint64 resumeAt = m_originUs < 0 ? 0 : m_lastEndUs;
        m_originUs = packet.dtsUs - resumeAt;
        if (Status s = openSegment(resumeAt); !s) {
            fail(s.error());
            return;
        }
    }

    const qint64 pts = packet.ptsUs - m_originUs;
    const qint64 dts = packet.dtsUs - m_originUs;
    if (pts < 0 || dts < 0)
        return; // audio captured before the first video frame of the recording
    qint64 &lastDts = m_lastDtsUs[int(packet.track)];
    if (dts <= lastDts) {
        // A misbehaving publisher: keep the file valid and drop the packet, not the recording.
        if (m_packetsRefused++ % 100 == 0)
            qCWarning(lcRecording) << "recording" << m_request.recordingId << "dropped a packet whose time goes backwards on track"
                                   << int(packet.track) << "(" << m_packetsRefused << "so far)";
        return;
    }
    lastDts = dts;
    Segment *target = m_current.get();
    if (packet.isVideo()) {
        if (packet.key && dts - m_current->mediaStartUs() >= m_config.segmentUs) {
            closePrevious();
            m_previous = std::move(m_current);
            if (Status s = openSegment(dts); !s) {
                fail(s.error());
                return;
            }
            target = m_current.get();
            if (!m_request.audio)
                closePrevious();
        } else if (m_previous && dts - m_current->mediaStartUs() >= kLateAudioWindowUs) {
            closePrevious();
        }
        m_lastEndUs = qMax(m_lastEndUs, pts + packet.durationUs);
    } else if (m_previous) {
        if (pts < m_current->mediaStartUs())
            target = m_previous.get();
        else
            closePrevious();
    } else if (pts < m_current->mediaStartUs()) {
        return; // audio from before the key frame a re-published stream resumed at
    }
    if (m_finished)
        return;
    if (Status s = target->write(packet, pts, dts); !s) {
        fail(s.error());
        return;
    }
    if (m_config.quotaBytes > 0) {
        const qint64 used = m_config.bytesUsedBefore + m_bytesClosed + m_current->bytesWritten()
                            + (m_previous ? m_previous->bytesWritten() : 0);
        if (used >= m_config.quotaBytes) {
            const QStringList ids = stop(QStringLiteral("quota"));
            Q_UNUSED(ids);
        }
    }
}

void Recorder::restartStream(const VideoParams &video, const std::optional<AudioParams> &audio)
{
    if (m_finished)
        return;
    closePrevious();
    closeSegment(m_current, QStringLiteral("republish"));
    m_request.video = video;
    if (m_request.audio)
        m_request.audio = audio;
    std::fill(std::begin(m_lastDtsUs), std::end(m_lastDtsUs), -1); // a new file, a new clock
    m_sinceKeyFrameRequest.restart();
    m_waitingForKeyFrame.restart();
    emit keyFrameNeeded(videoTrack());
}

std::optional<ResumePoint> Recorder::resumeStream(const VideoParams &video, const std::optional<AudioParams> &audio)
{
    if (m_finished)
        return std::nullopt;
    // Audio only matters when this recording has it (the sub-stream has none).
    if (!sameVideo(m_request.video, video) || (m_request.audio && !sameAudio(m_request.audio, audio))) {
        restartStream(video, audio);
        return std::nullopt;
    }
    m_sinceMedia.restart();
    ResumePoint point;
    if (m_current) {
        // Back in the publisher's clock: the timeline's origin stays, so its timestamps continue.
        const qint64 videoDts = m_lastDtsUs[int(videoTrack())];
        const qint64 audioDts = m_lastDtsUs[int(Track::CameraAudio)];
        point.videoDtsUs = videoDts < 0 ? -1 : videoDts + m_originUs;
        point.audioDtsUs = audioDts < 0 ? -1 : audioDts + m_originUs;
    }
    qCInfo(lcRecording).noquote() << "recording" << m_request.recordingId << "resumed after video" << point.videoDtsUs
                                  << "audio" << point.audioDtsUs;
    return point;
}

QStringList Recorder::fileIds() const
{
    QStringList ids;
    for (quint64 id : m_closedIds)
        ids << QString::number(id);
    if (m_previous)
        ids << QString::number(m_previous->id());
    if (m_current)
        ids << QString::number(m_current->id());
    return ids;
}

QStringList Recorder::stop(const QString &reason)
{
    if (m_finished)
        return fileIds();
    m_watchdog.stop();
    Error error;
    for (std::unique_ptr<Segment> *segment : {&m_previous, &m_current})
        closeSegment(*segment, reason);
    m_finished = true;
    if (reason == QLatin1String("quota") && error.code == 0)
        error = makeError(ErrorCode::InsufficientStorageQuota);
    if (reason == QLatin1String("storage") && error.code == 0)
        error = m_storageError;
    const QStringList ids = fileIds();
    qCInfo(lcRecording).noquote() << "recording" << m_request.recordingId << "of" << m_request.userId << "in room"
                                  << m_request.room.toString() << "ended (" << reason << "), files:" << ids.join(QLatin1Char(','));
    emit finished(ids, reason, error.code, error.message);
    return ids;
}

void Recorder::fail(const Error &error)
{
    qCWarning(lcRecording).noquote() << "recording" << m_request.recordingId << "failed:" << error.toString();
    if (m_finished)
        return;
    m_watchdog.stop();
    // Close what can be closed; the files keep every complete fragment.
    for (std::unique_ptr<Segment> *segment : {&m_previous, &m_current})
        closeSegment(*segment, QStringLiteral("error"));
    m_finished = true;
    emit finished(fileIds(), QStringLiteral("error"), error.code, error.message);
}

void Recorder::checkIdle()
{
    // Before the disk is full, not after: a clean end keeps every file playable and leaves
    // room for the catalogue and the files' indexes.
    if (Status s = checkStorage(); !s) {
        qCWarning(lcRecording).noquote() << "recording" << m_request.recordingId << "ends:" << s.error().toString();
        m_storageError = s.error();
        stop(QStringLiteral("storage"));
        return;
    }
    // A publisher that never sends a key frame would otherwise keep the channel "recording"
    // with no file at all; the user learns why instead.
    if (!m_current && m_waitingForKeyFrame.elapsed() >= m_config.keyFrameTimeoutMs) {
        fail(makeError(ErrorCode::KeyFrameTimeout, QStringLiteral("none within %1 ms of %2")
                                                       .arg(m_config.keyFrameTimeoutMs)
                                                       .arg(m_closedIds.isEmpty() ? QStringLiteral("the start") : QStringLiteral("re-publishing"))));
        return;
    }
    if (m_sinceMedia.elapsed() >= m_config.idleTimeoutMs) {
        qCInfo(lcRecording) << "no media for" << m_config.idleTimeoutMs << "ms: ending recording" << m_request.recordingId;
        stop(QStringLiteral("idle"));
    }
}

} // namespace roomrec
