#include "media/farendreference.h"

#include <QMutexLocker>

#include <algorithm>

namespace roomrec {

namespace {
constexpr auto kPlayingHold = std::chrono::seconds(1);
}

FarEndReference::FarEndReference(int sampleRate, int maxQueuedMs)
    : m_rate(qMax(8000, sampleRate)), m_maxQueuedFrames(qMax(1, m_rate * maxQueuedMs / 1000))
{
}

void FarEndReference::push(const qint16 *interleaved, int frameCount, int channels, bool hasRemoteAudio,
                           int deviceQueuedMs)
{
    m_deviceQueuedMs = qMax(0, deviceQueuedMs);
    if (hasRemoteAudio) {
        m_lastRemoteAudioNs = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
        m_everHadRemoteAudio = true;
    }
    if (frameCount <= 0 || channels <= 0)
        return;
    QMutexLocker lock(&m_mutex);
    const qsizetype old = m_queue.size();
    m_queue.resize(old + frameCount);
    float *out = m_queue.data() + old;
    const float scale = 1.0f / (32768.0f * float(channels));
    for (int i = 0; i < frameCount; ++i) {
        int sum = 0;
        for (int c = 0; c < channels; ++c)
            sum += interleaved[qsizetype(i) * channels + c];
        out[i] = float(sum) * scale;
    }
    m_pushed += frameCount;
    const qsizetype excess = m_queue.size() - m_maxQueuedFrames;
    if (excess > 0) {
        m_queue.remove(0, excess);
        m_dropped += excess;
    }
}

bool FarEndReference::take(float *mono, int frameCount)
{
    QMutexLocker lock(&m_mutex);
    if (frameCount <= 0 || m_queue.size() < frameCount)
        return false;
    std::copy_n(m_queue.constData(), frameCount, mono);
    m_queue.remove(0, frameCount);
    m_taken += frameCount;
    return true;
}

int FarEndReference::queuedFrames() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_queue.size());
}

void FarEndReference::trimTo(int keepFrames)
{
    QMutexLocker lock(&m_mutex);
    const qsizetype excess = m_queue.size() - qMax(0, keepFrames);
    if (excess > 0) {
        m_queue.remove(0, excess);
        m_dropped += excess;
    }
}

bool FarEndReference::isRemoteAudioPlaying() const
{
    if (!m_everHadRemoteAudio.load())
        return false;
    const qint64 now = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
    return now - m_lastRemoteAudioNs.load() < std::chrono::duration_cast<std::chrono::nanoseconds>(kPlayingHold).count();
}

} // namespace roomrec
