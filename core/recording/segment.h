#pragma once

#include "library/catalogworker.h"
#include "library/filerecord.h"
#include "recording/segmentfilewriter.h"
#include "recording/writerthreads.h"

#include <QObject>

namespace roomrec {

class Mp4Finalizer;

// One file of a recording: its catalogue row and its file, written on a writer thread
// (SegmentFileWriter). The row's insert (state "recording") is queued on the catalogue's
// thread when the file opens, and its final state after it, in that order (one FIFO queue);
// neither is waited for, so a slow database never holds the media up. A crash before the
// insert landed leaves a file with no row, which the next start catalogues (LibraryReconciler);
// after it, a "recording" row the recovery scan repairs. close() returns at once; when the
// file is finished its final row is queued, the finalizer takes the file and the segment
// deletes itself.
class Segment : public QObject {
    Q_OBJECT
public:
    Segment(CatalogWorker &catalog, FileRecord record, WriterThreads &threads, Mp4Finalizer *finalizer);
    ~Segment() override;

    // onFailure: a write failed on the writer thread (told once, in this thread).
    Status open(const VideoParams &video, const std::optional<AudioParams> &audio, std::function<void(const Error &)> onFailure);
    // Timestamps on the recording's timeline (µs since its first key frame).
    Status write(const MediaPacket &packet, qint64 recordingPtsUs, qint64 recordingDtsUs);
    // Hands the file over to be finished; the caller must release its ownership.
    void close(const QString &reason);

    quint64 id() const { return m_record.id; }
    qint64 mediaStartUs() const { return m_record.mediaStartUs; }
    qint64 bytesWritten() const { return m_file ? m_file->bytesAccepted() : 0; } // handed to the writer
    qint64 queuedBytes() const { return m_file ? m_file->queuedBytes() : 0; }    // not yet on disk
    const FileRecord &record() const { return m_record; }

private:
    void complete(const SegmentFileWriter::Report &report);

    CatalogWorker &m_catalog;
    FileRecord m_record;
    WriterThreads &m_threads;
    Mp4Finalizer *m_finalizer;
    SegmentFileWriter *m_file = nullptr; // deletes itself after finish
    QString m_reason;
    Error m_failure; // the writer's first failure, so later writes fail fast
};

} // namespace roomrec
