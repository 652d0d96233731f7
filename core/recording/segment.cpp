#include "recording/segment.h"

#include "common/logging.h"
#include "protocol/errorcode.h"
#include "recording/mp4finalizer.h"

namespace roomrec {

Segment::Segment(CatalogWorker &catalog, FileRecord record, WriterThreads &threads, Mp4Finalizer *finalizer)
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
    m_catalog.write([record = m_record](Catalog &catalog) {
        Status s = catalog.insert(record);
        if (!s) // the file is written all the same; its final row is inserted then (complete())
            qCWarning(lcRecording).noquote() << "segment" << record.id << "not catalogued at its start:" << s.error().toString();
        return s;
    });
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
    // Queued, not waited for: whatever asks about this file later (a listing, the finalizer's
    // size, a webhook event) is queued after it and sees the final row.
    m_catalog.write([record = m_record](Catalog &catalog) {
        Status s = catalog.update(record);
        // The start's insert failed (the database was unreachable then): the file is
        // catalogued now rather than left for the next start to find as an orphan.
        if (!s && s.error().code == int(ErrorCode::FileNotFound))
            s = catalog.insert(record);
        if (!s)
            qCWarning(lcRecording).noquote() << "segment" << record.id << "final state not catalogued:" << s.error().toString()
                                             << "(recovered from the file at the next start)";
        return s;
    });
    if (m_finalizer && m_record.state == FileRecord::State::Complete)
        m_finalizer->enqueue(m_record.id, m_record.storagePath);
    else if (m_finalizer)
        m_finalizer->keepAsIs(m_record.id);
    m_threads.fileCompleted(m_record.id);
    deleteLater();
}

} // namespace roomrec
