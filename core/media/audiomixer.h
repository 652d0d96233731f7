#pragma once

#include <QHash>
#include <QMutex>
#include <QString>
#include <QVector>

namespace roomrec {

// Mixes the sound of several members into one stream for the speakers: each source queues
// interleaved s16 at the mixer's rate and channel count; mix() takes the same number of
// frames from every source, sums them with saturation, and plays silence for a source that
// has nothing (counted as an underrun). Thread-safe: decoders push from their threads, the
// playout pulls from its own.
class AudioMixer {
public:
    explicit AudioMixer(int sampleRate = 48000, int channels = 2, int maxQueuedMs = 1000);

    int sampleRate() const { return m_rate; }
    int channels() const { return m_channels; }

    void addSource(const QString &id);
    void removeSource(const QString &id);
    QStringList sources() const;
    void push(const QString &id, const qint16 *interleaved, int frameCount);
    // contributing: how many sources had sound for this mix (0: it is all silence).
    QVector<qint16> mix(int frameCount, int *contributing = nullptr);
    int queuedFrames(const QString &id) const;
    qint64 underruns() const;
    qint64 overflowFrames() const;

private:
    int m_rate;
    int m_channels;
    int m_maxQueuedFrames;
    mutable QMutex m_mutex;
    QHash<QString, QVector<qint16>> m_queues;
    qint64 m_underruns = 0;
    qint64 m_overflowFrames = 0;
};

} // namespace roomrec
