#include "recording/segment.h"

#include "common/logging.h"
#include "recording/mp4probe.h"
#include "recording/mp4repair.h"

namespace roomrec {

Segment::Segment(Catalog &catalog, FileRecord record) : m_catalog(catalog), m_record(std::move(record)) {}

Status Segment::open(const VideoParams &video, const std::optional<AudioParams> &audio)
{
    m_record.state = FileRecord::State::Recording;
    m_record.startedAt = QDateTime::currentDateTimeUtc();
    m_record.videoCodec = QStringLiteral("h264");
    m_record.audioCodec = audio ? QStringLiteral("aac") : QString();
    m_record.width = video.width;
    m_record.height = video.height;
    if (Status s = m_catalog.insert(m_record); !s)
        return s;
    if (Status s = m_writer.open(m_record.storagePath, video, audio); !s) {
        m_record.state = FileRecord::State::Failed;
        m_record.endReason = QStringLiteral("error");
        m_record.endedAt = QDateTime::currentDateTimeUtc();
        (void)m_catalog.update(m_record);
        return s;
    }
    qCInfo(lcRecording) << "segment" << m_record.id << "opened:" << m_record.storagePath;
    return success();
}

Status Segment::write(const MediaPacket &packet, qint64 recordingPtsUs, qint64 recordingDtsUs)
{
    return m_writer.write(packet, recordingPtsUs - m_record.mediaStartUs, recordingDtsUs - m_record.mediaStartUs);
}

Status Segment::close(const QString &reason)
{
    if (!m_writer.isOpen() && m_record.state != FileRecord::State::Recording)
        return success();
    const qint64 frames = m_writer.videoFrames();
    Status finished = m_writer.finish();
    m_record.endedAt = QDateTime::currentDateTimeUtc();
    m_record.endReason = reason;
    m_record.durationUs = m_writer.durationUs();
    m_record.sizeBytes = m_writer.bytesWritten();
    m_record.state = FileRecord::State::Complete;
    if (!finished) {
        // The trailer could not be written (disk full?): keep every complete fragment.
        qCWarning(lcRecording) << "segment" << m_record.id << "did not finish cleanly:" << finished.error().toString();
        auto repaired = Mp4Repair::repair(m_record.storagePath);
        m_record.state = repaired ? FileRecord::State::Recovered : FileRecord::State::Failed;
        if (repaired)
            m_record.sizeBytes = repaired->repairedSize;
        if (auto info = Mp4Probe::probe(m_record.storagePath))
            m_record.durationUs = info->durationUs;
    }
    qCInfo(lcRecording) << "segment" << m_record.id << "closed (" << reason << "):" << frames << "video frames,"
                        << m_record.durationUs / 1000 << "ms," << m_record.sizeBytes << "bytes";
    Status updated = m_catalog.update(m_record);
    return finished ? updated : finished;
}

} // namespace roomrec
