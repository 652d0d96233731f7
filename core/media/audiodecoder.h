#pragma once

#include "common/result.h"
#include "protocol/mediapacket.h"
#include "protocol/streamparams.h"

#include <QVector>

#include <vector>

namespace roomrec {

// Decoded sound: interleaved signed 16-bit samples at the decoder's output rate/channels,
// and the time of the first one.
struct DecodedAudio {
    QVector<qint16> samples;
    int channels = 2;
    qint64 ptsUs = 0;
    int frameCount() const { return channels > 0 ? int(samples.size() / channels) : 0; }
};

// The mirror of AacEncoder: encoded audio in, PCM out, in the format the playout mixes
// (outputRate/outputChannels, whatever the stream had). FfmpegAudioDecoder is the real one.
class AudioDecoder {
public:
    virtual ~AudioDecoder() = default;

    virtual Status open(const AudioParams &params, int outputRate, int outputChannels) = 0;
    virtual Result<std::vector<DecodedAudio>> decode(const MediaPacket &packet) = 0;
    virtual Result<std::vector<DecodedAudio>> flush() = 0;
    virtual int outputRate() const = 0;
    virtual int outputChannels() const = 0;
};

} // namespace roomrec
