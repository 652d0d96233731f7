#include "media/testtonesource.h"

#include <cmath>

namespace roomrec {

TestToneSource::TestToneSource(const MediaClock &clock, int sampleRate, int channels, QObject *parent)
    : AudioSource(parent), m_clock(clock), m_rate(sampleRate), m_channels(channels)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &TestToneSource::tick);
}

Status TestToneSource::start()
{
    if (m_originUs < 0)
        m_originUs = m_clock.nowUs();
    // Started again (encoding paused and resumed): continue the timeline from now, never
    // back to the origin, so timestamps only move forward.
    m_samplesDelivered = qMax<qint64>(0, (m_clock.nowUs() - m_originUs) * m_rate / 1'000'000);
    m_timer.start(10);
    return success();
}

void TestToneSource::stop()
{
    m_timer.stop();
}

void TestToneSource::tick()
{
    const qint64 due = (m_clock.nowUs() - m_originUs) * m_rate / 1'000'000;
    const qint64 count = due - m_samplesDelivered;
    if (count <= 0)
        return;
    m_block.resize(count * m_channels);
    const qint64 beepSamples = qint64(m_rate) * kBeepMs / 1000;
    for (qint64 i = 0; i < count; ++i) {
        const qint64 n = m_samplesDelivered + i;
        const qint64 inSecond = n % m_rate;
        const double t = double(n) / m_rate;
        const double sample = inSecond < beepSamples ? 0.5 * std::sin(2 * M_PI * 1000.0 * t)
                                                     : 0.05 * std::sin(2 * M_PI * 440.0 * t);
        const auto value = qint16(std::lround(sample * 32767));
        for (int c = 0; c < m_channels; ++c)
            m_block[i * m_channels + c] = value;
    }
    const qint64 captureUs = m_originUs + m_samplesDelivered * 1'000'000 / m_rate;
    m_samplesDelivered += count;
    emit samplesCaptured(m_block.constData(), int(count), captureUs);
}

} // namespace roomrec
