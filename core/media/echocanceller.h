#pragma once

#include "common/result.h"
#include "media/farendreference.h"

#include <QVector>

#include <memory>

namespace roomrec {

// Removes from the microphone's sound what the speakers played into it (acoustic echo
// cancellation, webrtc-audio-processing's AEC, plus its high-pass filter and moderate noise
// suppression), so members who listen through speakers are not heard back by the others.
// The far end is a FarEndReference the playout fills; the near end is the microphone's
// interleaved s16, before the AAC encoder. The library works on 10 ms frames, so process()
// hands back whole 10 ms frames and keeps the rest for the next call (at most 10 ms later).
// While no remote audio plays there is nothing to cancel: frames then pass unchanged (and
// are counted as bypassed), keeping the microphone's stereo and costing nothing.
// Single-threaded: used from the publish pipeline's thread only. docs/audio.md explains the
// choice and the delay estimate.
class EchoCanceller {
public:
    // What the microphone block itself adds before we see it (QAudioSource's period and the
    // device's input buffer), on top of what the playout reports it still holds.
    static constexpr int kCaptureLatencyMs = 20;

    // Whether this build has webrtc-audio-processing (CMake ROOMREC_ECHO_CANCELLATION).
    static bool isAvailable();
    static Result<std::unique_ptr<EchoCanceller>> create(std::shared_ptr<FarEndReference> reference, int sampleRate,
                                                         int channels);
    ~EchoCanceller();

    // The microphone's block in; out: the processed whole 10 ms frames (interleaved, same
    // format), possibly none. pendingFrames() of the input wait for the next call.
    Result<QVector<qint16>> process(const qint16 *interleaved, int frameCount);
    int pendingFrames() const;
    int frameSize() const; // samples per channel in 10 ms
    int sampleRate() const;
    int channels() const;

    qint64 framesCancelled() const; // 10 ms frames run through the AEC
    qint64 framesBypassed() const;  // 10 ms frames passed unchanged (no remote audio)
    int lastDelayMs() const;        // the delay estimate handed to the AEC last

private:
    class Impl;
    explicit EchoCanceller(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace roomrec
