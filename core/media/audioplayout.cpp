#include "media/audioplayout.h"

#include "protocol/errorcode.h"

#include <QAudioSink>
#include <QMediaDevices>

namespace roomrec {

namespace {
constexpr int kPumpMs = 10;
} // namespace

AudioPlayout::AudioPlayout(AudioMixer &mixer, QAudioDevice device, bool forceTestSink, QObject *parent)
    : QObject(parent), m_mixer(mixer), m_device(std::move(device)), m_testSink(forceTestSink)
{
    if (!m_testSink && m_device.isNull()) {
        const QList<QAudioDevice> outputs = devices();
        if (outputs.isEmpty())
            m_testSink = true;
        else
            m_device = QMediaDevices::defaultAudioOutput().isNull() ? outputs.first() : QMediaDevices::defaultAudioOutput();
    }
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &AudioPlayout::pump);
}

AudioPlayout::~AudioPlayout()
{
    stop();
}

QList<QAudioDevice> AudioPlayout::devices()
{
    return QMediaDevices::audioOutputs();
}

QString AudioPlayout::description() const
{
    return m_testSink ? tr("Test sink (no speakers)") : m_device.description();
}

qint64 AudioPlayout::bufferedUs() const
{
    if (!m_sink)
        return 0;
    const qint64 bytesPerSecond = qint64(m_mixer.sampleRate()) * m_mixer.channels() * qint64(sizeof(qint16));
    return qMax<qint64>(0, m_sink->bufferSize() - m_sink->bytesFree()) * 1'000'000 / bytesPerSecond;
}

void AudioPlayout::start()
{
    if (m_timer.isActive())
        return;
    if (!m_testSink) {
        QAudioFormat format;
        format.setSampleRate(m_mixer.sampleRate());
        format.setChannelCount(m_mixer.channels());
        format.setSampleFormat(QAudioFormat::Int16);
        m_sink = std::make_unique<QAudioSink>(m_device, format);
        m_sink->setBufferSize(m_mixer.sampleRate() * m_mixer.channels() * 2 / 10); // 100 ms
        m_io = m_sink->start();
        if (!m_io || m_sink->error() != QAudio::NoError) {
            emit errorOccurred(int(ErrorCode::SourceUnavailable), m_device.description());
            m_sink.reset();
            m_io = nullptr;
            return;
        }
    }
    m_clock.start();
    m_framesPlayed = 0;
    m_timer.start(kPumpMs);
}

void AudioPlayout::stop()
{
    m_timer.stop();
    if (m_sink)
        m_sink->stop();
    m_io = nullptr;
    m_sink.reset();
}

void AudioPlayout::pump()
{
    int frames = 0;
    if (m_testSink) {
        // What a sound card would have taken by now: the real-time rate, no more.
        const qint64 due = m_clock.nsecsElapsed() / 1000 * m_mixer.sampleRate() / 1'000'000;
        frames = int(due - m_framesPlayed);
    } else if (m_sink && m_io) {
        frames = int(m_sink->bytesFree() / (2 * m_mixer.channels()));
    }
    if (frames <= 0)
        return;
    int withSound = 0;
    const QVector<qint16> mixed = m_mixer.mix(frames, &withSound);
    if (m_echoReference) {
        // What the device still holds before this block is heard: the echo of this block
        // reaches the microphone that much later (the test sink holds nothing).
        const qint64 bytesPerMs = qint64(m_mixer.sampleRate()) * m_mixer.channels() * 2 / 1000;
        const int queuedMs = m_sink ? int((m_sink->bufferSize() - m_sink->bytesFree()) / qMax<qint64>(1, bytesPerMs)) : 0;
        m_echoReference->push(mixed.constData(), frames, m_mixer.channels(), withSound > 0, queuedMs);
    }
    if (m_io)
        m_io->write(reinterpret_cast<const char *>(mixed.constData()), mixed.size() * qsizetype(sizeof(qint16)));
    m_framesPlayed += frames;
}

} // namespace roomrec
