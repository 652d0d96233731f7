#pragma once

#include "common/ffmpegptr.h"
#include "media/audiodecoder.h"

namespace roomrec {

// AAC through libavcodec's native decoder, converted by swresample to interleaved s16 at
// the rate and channel count the playout wants. Timestamps in and out are µs.
class FfmpegAudioDecoder : public AudioDecoder {
public:
    FfmpegAudioDecoder();
    ~FfmpegAudioDecoder() override;
    FfmpegAudioDecoder(const FfmpegAudioDecoder &) = delete;
    FfmpegAudioDecoder &operator=(const FfmpegAudioDecoder &) = delete;

    Status open(const AudioParams &params, int outputRate = 48000, int outputChannels = 2) override;
    Result<std::vector<DecodedAudio>> decode(const MediaPacket &packet) override;
    Result<std::vector<DecodedAudio>> flush() override;
    int outputRate() const override { return m_outRate; }
    int outputChannels() const override { return m_outChannels; }

private:
    Result<std::vector<DecodedAudio>> receive();

    AvCodecContextPtr m_context;
    AvPacketPtr m_packet;
    AvFramePtr m_frame;
    SwrContextPtr m_resampler;
    int m_outRate = 48000;
    int m_outChannels = 2;
};

} // namespace roomrec
