#pragma once

#include "library/catalog.h"
#include "library/filerecord.h"
#include "recording/fragmentedmp4writer.h"

namespace roomrec {

// One file of a recording: its MP4 writer and its catalogue row. The row is inserted
// (state "recording") before the first byte is written, so a crash always leaves a row
// the recovery scan can find; close() fills in the final size, duration and state.
class Segment {
public:
    Segment(Catalog &catalog, FileRecord record);

    Status open(const VideoParams &video, const std::optional<AudioParams> &audio);
    // Timestamps on the recording's timeline (µs since its first key frame).
    Status write(const MediaPacket &packet, qint64 recordingPtsUs, qint64 recordingDtsUs);
    Status close(const QString &reason);

    quint64 id() const { return m_record.id; }
    qint64 mediaStartUs() const { return m_record.mediaStartUs; }
    qint64 bytesWritten() const { return m_writer.bytesWritten(); }
    const FileRecord &record() const { return m_record; }

private:
    Catalog &m_catalog;
    FileRecord m_record;
    FragmentedMp4Writer m_writer;
};

} // namespace roomrec
