#pragma once

#include "common/ffmpegptr.h"
#include "common/result.h"
#include "media/encodersettings.h"
#include "protocol/mediapacket.h"

#include <QList>

struct AVAudioFifo;

namespace roomrec {

// AAC-LC (FFmpeg's native encoder) at 48 kHz stereo. Takes interleaved s16 blocks of any
// size, rate and channel count (swresample converts), and encodes whole 1024-sample
// frames. Output timestamps follow the sample count from the first block's capture time,
// so audio has no jitter even when blocks arrive unevenly.
class AacEncoder {
public:
    AacEncoder();
    ~AacEncoder();
    AacEncoder(const AacEncoder &) = delete;
    AacEncoder &operator=(const AacEncoder &) = delete;

    Status open(const AudioEncoderSettings &settings, int inputRate, int inputChannels);
    Result<QList<MediaPacket>> encode(const qint16 *interleaved, int frameCount, qint64 captureUs);
    Result<QList<MediaPacket>> flush();

    QByteArray extradata() const;
    int sampleRate() const { return m_settings.sampleRate; }
    int channels() const { return m_settings.channels; }

private:
    Result<QList<MediaPacket>> encodeAvailable(bool final);
    Status drain(QList<MediaPacket> &out);

    AudioEncoderSettings m_settings;
    AvCodecContextPtr m_context;
    SwrContextPtr m_resampler;
    AVAudioFifo *m_fifo = nullptr;
    AvFramePtr m_frame;
    AvPacketPtr m_packet;
    qint64 m_originUs = -1;     // capture time of sample 0
    uint8_t **m_convertBuffer = nullptr; // planar float, reused across calls
    int m_convertCapacity = 0;
    qint64 m_samplesSent = 0;   // output-rate samples given to the encoder
};

} // namespace roomrec
