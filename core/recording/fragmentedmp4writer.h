#pragma once

#include "common/ffmpegptr.h"
#include "common/result.h"
#include "protocol/mediapacket.h"
#include "protocol/streamparams.h"
#include "recording/mp4fragmentbuilder.h"

#include <QElapsedTimer>
#include <QFile>

#include <optional>

namespace roomrec {

// Writes H.264 (+ AAC) packets, stream copy, to a fragmented MP4: an empty moov up front,
// then a moof+mdat at every key frame, at least every second and at most every 8 MiB, each
// handed to the OS as soon as it is complete and synced to disk about once a second. A
// killed process therefore leaves a file that plays up to its last complete fragment (see
// Mp4Repair). libavformat's mp4 muxer writes ftyp and the init moov through our AVIO
// callbacks, which keep a 16-byte `free` box right after ftyp that the muxer never sees:
// HybridMp4Finisher later turns it into the header of one mdat spanning the fragments, so
// the finished file is a regular MP4 without its media being rewritten. The fragments are
// built by Mp4FragmentBuilder and written with one gather write each, without copying.
class FragmentedMp4Writer {
public:
    FragmentedMp4Writer();
    ~FragmentedMp4Writer();
    FragmentedMp4Writer(const FragmentedMp4Writer &) = delete;
    FragmentedMp4Writer &operator=(const FragmentedMp4Writer &) = delete;

    Status open(const QString &path, const VideoParams &video, const std::optional<AudioParams> &audio);
    // ptsUs/dtsUs of the packet are already relative to this file's start (>= 0).
    Status write(const MediaPacket &packet, qint64 ptsUs, qint64 dtsUs);
    Status finish();
    // Closes without the trailer (used when the disk failed): what was written stays.
    void abandon();

    bool isOpen() const { return m_fragments.has_value(); }
    qint64 bytesWritten() const { return m_bytesWritten; }
    qint64 durationUs() const { return m_videoEndUs; }
    qint64 videoFrames() const { return m_videoFrames; }
    const QString &path() const { return m_path; }

    static constexpr int kFragmentUs = int(Mp4FragmentBuilder::kFragmentUs);
    static constexpr int kMaxFragmentBytes = int(Mp4FragmentBuilder::kMaxFragmentBytes); // a fragment is flushed at this size

private:
    friend struct Mp4WriterIo;
    int onWrite(const uint8_t *data, int size);
    int64_t onSeek(int64_t offset, int whence);
    bool writeAt(qint64 realPos, const char *data, qint64 size);
    qint64 realPosition(qint64 muxerPos) const;
    Status fail(const QString &what, int averror);
    void closeMuxer();
    Result<std::pair<Mp4FragmentBuilder::Track, std::optional<Mp4FragmentBuilder::Track>>> initTracks();
    Status writeFragment(const Mp4FragmentBuilder::Fragment &fragment);

    QString m_path;
    QFile m_file;
    AvOutputFormatContextPtr m_format;
    AVIOContext *m_io = nullptr;
    AVStream *m_videoStream = nullptr;
    AVStream *m_audioStream = nullptr;
    std::optional<Mp4FragmentBuilder> m_fragments; // set once the header is written
    bool m_hasAudio = false;
    qint64 m_writePos = 0; // where the next fragment goes
    qint64 m_bytesWritten = 0;
    qint64 m_muxerPos = 0; // where the muxer thinks it is: the reserved box is not counted
    qint64 m_ftypEnd = -1; // known from the muxer's first write
    qint64 m_videoEndUs = 0;
    qint64 m_videoFrames = 0;
    QElapsedTimer m_sinceSync;
    QString m_ioError;
};

} // namespace roomrec
