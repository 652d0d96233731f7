#pragma once

#include <QMutex>
#include <QVector>

#include <atomic>
#include <chrono>

namespace roomrec {

// What the speakers are playing, for the echo canceller: AudioPlayout pushes every block it
// hands to the sound card (mixed down to mono, at the mixer's rate) together with how much
// sound the device still held before it, and the canceller of the microphone's stream takes
// it out in 10 ms frames. The two run on different threads (playout on the decode thread,
// the microphone on its publish pipeline's), so this is thread-safe and bounded: when
// nobody takes (the microphone is off), the oldest sound is dropped, never our memory.
//
// "Remote audio playing" means: a block with at least one member's audio in it was pushed
// in the last second. Without the canceller (a build without webrtc-audio-processing), the
// room session uses that to tell the user headphones are needed.
class FarEndReference {
public:
    explicit FarEndReference(int sampleRate = 48000, int maxQueuedMs = 500);

    int sampleRate() const { return m_rate; }

    // From the playout's thread: frameCount interleaved frames of `channels` channels.
    // hasRemoteAudio: at least one member's sound is in the mix (not just silence).
    // deviceQueuedMs: what the output device still held before this block (its latency).
    void push(const qint16 *interleaved, int frameCount, int channels, bool hasRemoteAudio, int deviceQueuedMs);
    // From the canceller's thread: the next `frameCount` mono samples, or false when fewer
    // are queued (nothing is taken then).
    bool take(float *mono, int frameCount);
    int queuedFrames() const;
    // Drops all but the newest keepFrames (a canceller that starts late does not want the
    // sound of a second ago).
    void trimTo(int keepFrames);
    // The output device's latency as the playout saw it last.
    int deviceQueuedMs() const { return m_deviceQueuedMs.load(); }
    bool isRemoteAudioPlaying() const;

    qint64 framesPushed() const { return m_pushed.load(); }
    qint64 framesTaken() const { return m_taken.load(); }
    qint64 framesDropped() const { return m_dropped.load(); }

private:
    using Clock = std::chrono::steady_clock;

    const int m_rate;
    const int m_maxQueuedFrames;
    mutable QMutex m_mutex;
    QVector<float> m_queue; // mono, oldest first
    std::atomic<int> m_deviceQueuedMs{0};
    std::atomic<qint64> m_lastRemoteAudioNs{0}; // Clock time of the last block with remote audio
    std::atomic<bool> m_everHadRemoteAudio{false};
    std::atomic<qint64> m_pushed{0};
    std::atomic<qint64> m_taken{0};
    std::atomic<qint64> m_dropped{0};
};

} // namespace roomrec
