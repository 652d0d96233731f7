#pragma once

#include "common/ffmpegptr.h"
#include "common/result.h"
#include "protocol/mediapacket.h"
#include "protocol/streamparams.h"

#include <vector>

namespace roomrec {

// A decoded picture: a software frame (YUV, whatever the decoder gives) and its timestamp.
struct DecodedVideoFrame {
    AvFramePtr frame;
    qint64 ptsUs = 0;
};

// The mirror of H264Encoder: encoded video in, pictures out. One interface so a test backend
// or another library can stand in; FfmpegVideoDecoder is the real one.
class VideoDecoder {
public:
    virtual ~VideoDecoder() = default;

    virtual Status open(const VideoParams &params) = 0;
    // Pictures this packet completed (none while the decoder still waits for a key frame).
    virtual Result<std::vector<DecodedVideoFrame>> decode(const MediaPacket &packet) = 0;
    virtual Result<std::vector<DecodedVideoFrame>> flush() = 0;
    virtual QString decoderName() const = 0; // e.g. "h264 (software)", "h264 (vaapi)"
    virtual bool isHardware() const = 0;
};

} // namespace roomrec
