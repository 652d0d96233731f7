#pragma once

#include "media/audiosource.h"
#include "media/mediaclock.h"

#include <QAudioDevice>
#include <QVector>

#include <memory>

class QAudioSource;
class QIODevice;

namespace roomrec {

// A real microphone through Qt Multimedia's QAudioSource, asked for 48 kHz stereo s16
// (the AAC encoder resamples whatever the device actually gives).
class MicrophoneSource : public AudioSource {
    Q_OBJECT
public:
    MicrophoneSource(const MediaClock &clock, QAudioDevice device, QObject *parent = nullptr);
    ~MicrophoneSource() override;

    static QList<QAudioDevice> devices();

    QString description() const override { return m_device.description(); }
    bool isTestSource() const override { return false; }
    int sampleRate() const override { return m_rate; }
    int channels() const override { return m_channels; }
    Status start() override;
    void stop() override;

private:
    void onReadyRead();

    const MediaClock &m_clock;
    QAudioDevice m_device;
    int m_rate = 48000;
    int m_channels = 2;
    std::unique_ptr<QAudioSource> m_audio;
    QIODevice *m_io = nullptr;
    QVector<qint16> m_buffer;
};

} // namespace roomrec
