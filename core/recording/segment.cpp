#include "recording/segment.h"

#include "common/logging.h"
#include "recording/mp4finalizer.h"

namespace roomrec {

Segment::Segment(Catalog &catalog, FileRecord record, WriterThreads &threads, Mp4Finalizer *finalizer)
    : m_catalog(catalog), m_record(std::move(record)), m_threads(threads), m_finalizer(finalizer)
{
}

Segment::~Segment()
{
    // Deleted without close() (e.g. a failed open): the writer must not leak.
    if (m_file) // its row stays "recording": the next start recovers it
        m_file->finish([](const SegmentFileWriter::Report &) {});
}

Status Segment::open(const VideoParams &video, const std::optional<AudioParams> &audio,
                     std::function<void(const Error &)> onFailure)
{
    m_record.state = FileRecord::State::Recording;
    m_record.startedAt = QDateTime::currentDateTimeUtc();
    m_record.videoCodec = QStringLiteral("h264");
    m_record.audioCodec = audio ? QStringLiteral("aac") : QString();
    m_record.width = video.width;
    m_record.height = video.height;
    if (Status s = m_catalog.insert(m_record); !s)
        return s;
    m_file = new SegmentFileWriter(m_threads.next(), this, [this, onFailure](const Error &error) {
        m_failure = error;
        if (onFailure)
            onFailure(error);
    });
    m_file->open(m_record.storagePath, video, audio);
    qCInfo(lcRecording) << "segment" << m_record.id << "opened:" << m_record.storagePath;
    return success();
}

Status Segment::write(const MediaPacket &packet, qint64 recordingPtsUs, qint64 recordingDtsUs)
{
    if (m_failure.code != 0)
        return m_failure;
    m_file->write(packet, recordingPtsUs - m_record.mediaStartUs, recordingDtsUs - m_record.mediaStartUs);
    return success();
}

void Segment::close(const QString &reason)
{
    m_reason = reason;
    if (!m_file) {
        deleteLater();
        return;
    }
    SegmentFileWriter *file = m_file;
    m_file = nullptr;
    m_threads.fileClosing(m_record.id);
    file->finish([this](const SegmentFileWriter::Report &report) { complete(report); });
}

void Segment::complete(const SegmentFileWriter::Report &report)
{
    m_record.endedAt = QDateTime::currentDateTimeUtc();
    m_record.endReason = m_reason;
    m_record.durationUs = report.durationUs;
    m_record.sizeBytes = report.sizeBytes;
    m_record.state = report.state;
    if (!report.status)
        qCWarning(lcRecording) << "segment" << m_record.id << "did not finish cleanly:" << report.status.error().toString();
    qCInfo(lcRecording) << "segment" << m_record.id << "closed (" << m_reason << "):" << report.videoFrames << "video frames,"
                        << m_record.durationUs / 1000 << "ms," << m_record.sizeBytes << "bytes";
    if (Status s = m_catalog.update(m_record); !s)
        qCWarning(lcRecording).noquote() << "segment" << m_record.id << ":" << s.error().toString();
    else if (m_finalizer && m_record.state == FileRecord::State::Complete)
        m_finalizer->enqueue(m_record.id, m_record.storagePath);
    else if (m_finalizer)
        m_finalizer->keepAsIs(m_record.id);
    m_threads.fileCompleted(m_record.id);
    deleteLater();
}

} // namespace roomrec
