#include "media/microphonesource.h"

#include "protocol/errorcode.h"

#include <QAudioSource>
#include <QMediaDevices>

namespace roomrec {

MicrophoneSource::MicrophoneSource(const MediaClock &clock, QAudioDevice device, QObject *parent)
    : AudioSource(parent), m_clock(clock), m_device(std::move(device))
{
}

MicrophoneSource::~MicrophoneSource()
{
    stop();
}

QList<QAudioDevice> MicrophoneSource::devices()
{
    return QMediaDevices::audioInputs();
}

Status MicrophoneSource::start()
{
    if (m_device.isNull())
        return makeError(ErrorCode::SourceUnavailable, QStringLiteral("no microphone"));
    QAudioFormat format;
    format.setSampleRate(48000);
    format.setChannelCount(2);
    format.setSampleFormat(QAudioFormat::Int16);
    if (!m_device.isFormatSupported(format)) {
        format = m_device.preferredFormat();
        format.setSampleFormat(QAudioFormat::Int16);
    }
    m_rate = format.sampleRate();
    m_channels = format.channelCount();
    m_audio = std::make_unique<QAudioSource>(m_device, format);
    m_audio->setBufferSize(m_rate * m_channels * 2 / 10); // 100 ms
    m_io = m_audio->start();
    if (!m_io || m_audio->error() != QAudio::NoError)
        return makeError(ErrorCode::SourceUnavailable, m_device.description());
    connect(m_io, &QIODevice::readyRead, this, &MicrophoneSource::onReadyRead);
    connect(m_audio.get(), &QAudioSource::stateChanged, this, [this](QAudio::State state) {
        if (state == QAudio::StoppedState && m_audio && m_audio->error() != QAudio::NoError)
            emit errorOccurred(int(ErrorCode::SourceLost), errorMessage(int(ErrorCode::SourceLost)) + QStringLiteral(" (") + m_device.description() + QLatin1Char(')'));
    });
    return success();
}

void MicrophoneSource::stop()
{
    if (m_audio)
        m_audio->stop();
    m_io = nullptr;
    m_audio.reset();
}

void MicrophoneSource::onReadyRead()
{
    if (!m_io)
        return;
    const qint64 bytes = m_io->bytesAvailable() & ~qint64(2 * m_channels - 1);
    if (bytes <= 0)
        return;
    m_buffer.resize(bytes / 2);
    const qint64 read = m_io->read(reinterpret_cast<char *>(m_buffer.data()), bytes);
    const int frames = int(read / (2 * m_channels));
    if (frames <= 0)
        return;
    // The block ends now: its first sample was captured frames/rate earlier.
    const qint64 captureUs = m_clock.nowUs() - qint64(frames) * 1'000'000 / m_rate;
    emit samplesCaptured(m_buffer.constData(), frames, captureUs);
}

} // namespace roomrec
