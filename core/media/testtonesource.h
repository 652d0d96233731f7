#pragma once

#include "media/audiosource.h"
#include "media/mediaclock.h"

#include <QTimer>
#include <QVector>

namespace roomrec {

// Test backend standing in for a microphone: a quiet 440 Hz tone with a loud 1 kHz beep
// for the first 100 ms of every second of the shared clock, matching the test pattern's
// flash frames. Paced by the clock; delivers 10 ms blocks.
class TestToneSource : public AudioSource {
    Q_OBJECT
public:
    static constexpr int kBeepMs = 100;

    explicit TestToneSource(const MediaClock &clock, int sampleRate = 48000, int channels = 2, QObject *parent = nullptr);

    QString description() const override { return tr("Test tone (no microphone)"); }
    bool isTestSource() const override { return true; }
    int sampleRate() const override { return m_rate; }
    int channels() const override { return m_channels; }
    Status start() override;
    void stop() override;

    // Set the origin so the beeps line up with a video test pattern started at the same time.
    void setOriginUs(qint64 originUs) { m_originUs = originUs; }

private:
    void tick();

    const MediaClock &m_clock;
    int m_rate;
    int m_channels;
    QTimer m_timer{this}; // a child, so it follows the source into a worker thread
    QVector<qint16> m_block;
    qint64 m_originUs = -1;
    qint64 m_samplesDelivered = 0;
};

} // namespace roomrec
