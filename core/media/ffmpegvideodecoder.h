#pragma once

#include "media/videodecoder.h"

struct AVBufferRef;

namespace roomrec {

// H.264 through libavcodec. With preferHardware it tries the machine's hardware decoders
// first (VAAPI, VDPAU, CUDA, QSV, VideoToolbox, D3D11VA, DXVA2: whichever this FFmpeg has
// and a device opens for) and falls back to software when none does; hardware pictures are
// downloaded, so callers always get software frames. Timestamps in and out are µs.
class FfmpegVideoDecoder : public VideoDecoder {
public:
    explicit FfmpegVideoDecoder(bool preferHardware = true);
    ~FfmpegVideoDecoder() override;
    FfmpegVideoDecoder(const FfmpegVideoDecoder &) = delete;
    FfmpegVideoDecoder &operator=(const FfmpegVideoDecoder &) = delete;

    Status open(const VideoParams &params) override;
    Result<std::vector<DecodedVideoFrame>> decode(const MediaPacket &packet) override;
    Result<std::vector<DecodedVideoFrame>> flush() override;
    QString decoderName() const override { return m_name; }
    bool isHardware() const override { return m_hwDevice != nullptr; }
    // What was tried and why it did not open (empty when the first choice worked).
    QStringList fallbackReasons() const { return m_tried; }

private:
    Status openWith(const VideoParams &params, int hwDeviceType); // AV_HWDEVICE_TYPE_NONE: software
    Result<std::vector<DecodedVideoFrame>> receive();

    bool m_preferHardware;
    AvCodecContextPtr m_context;
    AvPacketPtr m_packet;
    AVBufferRef *m_hwDevice = nullptr;
    int m_hwPixelFormat = -1;
    QString m_name;
    QStringList m_tried;
};

} // namespace roomrec
