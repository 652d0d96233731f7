#pragma once

#include "common/ffmpegptr.h"
#include "common/result.h"
#include "protocol/mediapacket.h"
#include "protocol/streamparams.h"

#include <QElapsedTimer>
#include <QFile>

#include <optional>

namespace roomrec {

// Writes H.264 (+ AAC) packets, stream copy, to a fragmented MP4: an empty moov up front,
// then a moof+mdat at every key frame, at least every second and at most every 8 MiB, each handed to the OS as
// soon as it is complete and synced to disk about once a second. A killed process
// therefore leaves a file that plays up to its last complete fragment (see Mp4Repair).
// Our own AVIO callbacks do the I/O so a full disk surfaces as a clear error, and they keep
// a 16-byte `free` box right after ftyp that the muxer never sees (its positions are
// shifted past it): HybridMp4Finisher later turns it into the header of one mdat spanning
// the fragments, so the finished file is a regular MP4 without its media being rewritten.
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

    bool isOpen() const { return bool(m_format); }
    qint64 bytesWritten() const { return m_bytesWritten; }
    qint64 durationUs() const { return m_videoEndUs; }
    qint64 videoFrames() const { return m_videoFrames; }
    const QString &path() const { return m_path; }

    static constexpr int kFragmentUs = 1'000'000;
    static constexpr int kMaxFragmentBytes = 8 * 1024 * 1024; // a fragment is flushed at this size

private:
    friend struct Mp4WriterIo;
    int onWrite(const uint8_t *data, int size);
    int64_t onSeek(int64_t offset, int whence);
    bool writeAt(qint64 realPos, const char *data, qint64 size);
    qint64 realPosition(qint64 muxerPos) const;
    Status fail(const QString &what, int averror);

    QString m_path;
    QFile m_file;
    AvOutputFormatContextPtr m_format;
    AVIOContext *m_io = nullptr;
    AVStream *m_videoStream = nullptr;
    AVStream *m_audioStream = nullptr;
    AvPacketPtr m_packet;
    qint64 m_bytesWritten = 0;
    qint64 m_muxerPos = 0; // where the muxer thinks it is: the reserved box is not counted
    qint64 m_ftypEnd = -1; // known from the muxer's first write
    qint64 m_bytesIn = 0; // payload bytes handed to the muxer
    qint64 m_videoEndUs = 0;
    qint64 m_videoFrames = 0;
    QElapsedTimer m_sinceSync;
    QString m_ioError;
};

} // namespace roomrec
