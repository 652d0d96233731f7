#pragma once

#include "common/ffmpegptr.h"
#include "common/result.h"
#include "media/encodersettings.h"
#include "protocol/mediapacket.h"

#include <QList>

namespace roomrec {

// H.264 through libavcodec: libx264 (zerolatency) by default, libopenh264 when x264 is
// absent, else whatever H.264 encoder FFmpeg offers. settings.encoder = "hardware" tries
// nvenc, qsv, vaapi, videotoolbox and mf first and falls back to software when none opens. Timestamps are capture-clock µs in
// and out. No B-frames, so packets leave in capture order with pts == dts.
class H264Encoder {
public:
    H264Encoder() = default;
    ~H264Encoder();
    H264Encoder(const H264Encoder &) = delete;
    H264Encoder &operator=(const H264Encoder &) = delete;

    Status open(const VideoEncoderSettings &settings);

    // Encode one frame (YUV420P of the opened size, or anything swscale can convert).
    // forceKey: make this frame an IDR (a recorder asked for one).
    Result<QList<MediaPacket>> encode(AVFrame *frame, qint64 captureUs, bool forceKey, Track track);
    // Encode the last picture again at another time: fills a slot of the frame grid that the
    // source skipped (a late or slow source), so the stream stays constant frame rate.
    Result<QList<MediaPacket>> repeatLast(qint64 ptsUs, bool forceKey, Track track);
    Result<QList<MediaPacket>> flush(Track track);

    QByteArray extradata() const;
    QString encoderName() const;
    const VideoEncoderSettings &settings() const { return m_settings; }

private:
    Result<QList<MediaPacket>> drain(Track track);
    Result<QList<MediaPacket>> send(AVFrame *frame, qint64 ptsUs, bool forceKey, Track track);
    AVFrame *convert(AVFrame *frame);

    VideoEncoderSettings m_settings;
    AvCodecContextPtr m_context;
    AvPacketPtr m_packet;
    AvFramePtr m_converted; // reused when the source is not YUV420P of our size
    AvFramePtr m_last;      // a reference to the last picture sent, for repeatLast()
    SwsContextPtr m_scaler;
    AVPixelFormat m_inputFormat = AV_PIX_FMT_YUV420P; // what the encoder takes (software side)
    AVBufferRef *m_hwDevice = nullptr;                 // VAAPI only
    AvFramePtr m_hwFrame;                              // VAAPI only: the uploaded frame
};

} // namespace roomrec
