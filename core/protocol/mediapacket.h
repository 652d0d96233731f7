#pragma once

#include "common/result.h"

#include <QByteArray>

namespace roomrec {

// Which published track a media packet belongs to. The two video tracks match the
// guide's record data type (0 camera, 1 sub-stream); audio travels with the camera.
enum class Track : quint8 {
    CameraVideo = 0,
    SubStreamVideo = 1,
    CameraAudio = 2,
};
constexpr int kTrackCount = 3;

// One encoded access unit (H.264 Annex B or raw AAC) with capture-clock timestamps.
// Wire layout (big endian): u8 track, u8 flags (bit 0 = key), i64 pts µs, i64 dts µs,
// u32 duration µs, then the payload.
struct MediaPacket {
    Track track = Track::CameraVideo;
    bool key = false;
    qint64 ptsUs = 0;
    qint64 dtsUs = 0;
    qint32 durationUs = 0;
    QByteArray data;

    static constexpr int kHeaderBytes = 22;

    QByteArray encode() const;
    // The 5-byte frame header and the 22-byte packet header of this packet as one media
    // frame: a sender writes this and then `data`, so the payload is never copied.
    QByteArray frameHeader() const;
    // The 22-byte packet header alone, into `out` (kHeaderBytes long).
    void writeHeader(char *out) const;
    static Result<MediaPacket> decode(const QByteArray &payload) { return decode(QByteArray(payload)); }
    // Takes the payload over: the header is dropped from its front without copying the media.
    static Result<MediaPacket> decode(QByteArray &&payload);
    bool isVideo() const { return track != Track::CameraAudio; }
};

} // namespace roomrec
