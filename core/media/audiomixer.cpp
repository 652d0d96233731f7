#include "media/audiomixer.h"

#include <QMutexLocker>

#include <algorithm>

namespace roomrec {

AudioMixer::AudioMixer(int sampleRate, int channels, int maxQueuedMs)
    : m_rate(sampleRate), m_channels(qMax(1, channels)), m_maxQueuedFrames(qMax(1, sampleRate * maxQueuedMs / 1000))
{
}

void AudioMixer::addSource(const QString &id)
{
    QMutexLocker lock(&m_mutex);
    if (!m_queues.contains(id))
        m_queues.insert(id, {});
}

void AudioMixer::removeSource(const QString &id)
{
    QMutexLocker lock(&m_mutex);
    m_queues.remove(id);
}

QStringList AudioMixer::sources() const
{
    QMutexLocker lock(&m_mutex);
    return m_queues.keys();
}

void AudioMixer::push(const QString &id, const qint16 *interleaved, int frameCount)
{
    QMutexLocker lock(&m_mutex);
    auto it = m_queues.find(id);
    if (it == m_queues.end() || frameCount <= 0)
        return;
    const qsizetype old = it->size();
    it->resize(old + qsizetype(frameCount) * m_channels);
    std::copy_n(interleaved, qsizetype(frameCount) * m_channels, it->data() + old);
    // Bounded: a source far ahead of the speakers loses its oldest sound, not our memory.
    const qsizetype excess = it->size() / m_channels - m_maxQueuedFrames;
    if (excess > 0) {
        it->remove(0, excess * m_channels);
        m_overflowFrames += excess;
    }
}

QVector<qint16> AudioMixer::mix(int frameCount, int *contributing)
{
    QVector<qint32> sum(qsizetype(qMax(0, frameCount)) * m_channels, 0);
    int withSound = 0;
    {
        QMutexLocker lock(&m_mutex);
        for (auto it = m_queues.begin(); it != m_queues.end(); ++it) {
            const qsizetype available = qMin<qsizetype>(it->size(), sum.size());
            const qint16 *src = it->constData();
            for (qsizetype i = 0; i < available; ++i)
                sum[i] += src[i];
            if (available < sum.size())
                ++m_underruns;
            if (available > 0)
                ++withSound;
            it->remove(0, available);
        }
    }
    if (contributing)
        *contributing = withSound;
    QVector<qint16> out(sum.size());
    for (qsizetype i = 0; i < sum.size(); ++i)
        out[i] = qint16(qBound(-32768, sum[i], 32767));
    return out;
}

int AudioMixer::queuedFrames(const QString &id) const
{
    QMutexLocker lock(&m_mutex);
    return int(m_queues.value(id).size() / m_channels);
}

qint64 AudioMixer::underruns() const
{
    QMutexLocker lock(&m_mutex);
    return m_underruns;
}

qint64 AudioMixer::overflowFrames() const
{
    QMutexLocker lock(&m_mutex);
    return m_overflowFrames;
}

} // namespace roomrec
