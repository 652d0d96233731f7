#pragma once

#include "common/ffmpegptr.h"
#include "common/result.h"
#include "media/encodersettings.h"
#include "protocol/mediapacket.h"

#include <QList>

namespace roomrec {

// H.264 through libavcodec: libx264 (zerolatency) by default, libopenh264 when x264 is
// absent, else whatever H.264 encoder FFmpeg offers. Timestamps are capture-clock µs in
// and out. No B-frames, so packets leave in capture order with pts == dts.
class H264Encoder {
public:
    Status open(const VideoEncoderSettings &settings);

    // Encode one frame (YUV420P of the opened size, or anything swscale can convert).
    // forceKey: make this frame an IDR (a recorder asked for one).
    Result<QList<MediaPacket>> encode(AVFrame *frame, qint64 captureUs, bool forceKey, Track track);
    Result<QList<MediaPacket>> flush(Track track);

    QByteArray extradata() const;
    QString encoderName() const;
    const VideoEncoderSettings &settings() const { return m_settings; }

private:
    Result<QList<MediaPacket>> drain(Track track);
    AVFrame *convert(AVFrame *frame);

    VideoEncoderSettings m_settings;
    AvCodecContextPtr m_context;
    AvPacketPtr m_packet;
    AvFramePtr m_converted; // reused when the source is not YUV420P of our size
    SwsContextPtr m_scaler;
};

} // namespace roomrec
