#include "media/echocanceller.h"

#include "protocol/errorcode.h"

#include <algorithm>
#include <functional>
#include <vector>

#ifdef ROOMREC_HAVE_WEBRTC_APM
#include <webrtc/modules/audio_processing/include/audio_processing.h>
#endif

namespace roomrec {

namespace {
constexpr int kMaxDelayMs = 500; // what the library accepts
}

class EchoCanceller::Impl {
public:
    Impl(std::shared_ptr<FarEndReference> reference, int rate, int channels)
        : ref(std::move(reference)), rate(rate), channels(channels), frame(rate / 100), farFrame(ref->sampleRate() / 100),
          nearMono(size_t(frame)), farMono(size_t(farFrame))
    {
    }

    Status open();
    Status cancel(qint16 *interleaved);

    std::shared_ptr<FarEndReference> ref;
    const int rate;
    const int channels;
    const int frame;    // near-end samples per channel in 10 ms
    const int farFrame; // far-end samples in 10 ms
    QVector<qint16> pending; // interleaved, less than one frame after process()
    std::vector<float> nearMono;
    std::vector<float> farMono;
    qint64 cancelled = 0;
    qint64 bypassed = 0;
    int delayMs = 0;
#ifdef ROOMREC_HAVE_WEBRTC_APM
    std::unique_ptr<webrtc::AudioProcessing> apm;
#endif
};

#ifdef ROOMREC_HAVE_WEBRTC_APM

bool EchoCanceller::isAvailable()
{
    return true;
}

Status EchoCanceller::Impl::open()
{
    webrtc::Config config;
    // The longer (128 ms) filter and the library's own delay estimate: our delay figure is an
    // estimate from buffer fills, not a measurement of the sound card, so the AEC must cope
    // with it being off by tens of milliseconds (docs/audio.md).
    config.Set<webrtc::ExtendedFilter>(new webrtc::ExtendedFilter(true));
    config.Set<webrtc::DelayAgnostic>(new webrtc::DelayAgnostic(true));
    apm.reset(webrtc::AudioProcessing::Create(config));
    if (!apm)
        return makeError(ErrorCode::EncoderFailed, QStringLiteral("echo cancellation: AudioProcessing::Create"));
    webrtc::ProcessingConfig processing = {{webrtc::StreamConfig(rate, 1), webrtc::StreamConfig(rate, 1),
                                            webrtc::StreamConfig(ref->sampleRate(), 1),
                                            webrtc::StreamConfig(ref->sampleRate(), 1)}};
    webrtc::EchoCancellation *aec = apm->echo_cancellation();
    const std::function<int()> steps[] = {
        [&] { return apm->Initialize(processing); },
        [&] { return apm->high_pass_filter()->Enable(true); },
        [&] { return apm->noise_suppression()->set_level(webrtc::NoiseSuppression::kModerate); },
        [&] { return apm->noise_suppression()->Enable(true); },
        [&] { return aec->enable_drift_compensation(false); },
        [&] { return aec->set_suppression_level(webrtc::EchoCancellation::kModerateSuppression); },
        [&] { return aec->Enable(true); },
    };
    for (size_t i = 0; i < std::size(steps); ++i) {
        if (int err = steps[i](); err != webrtc::AudioProcessing::kNoError)
            return makeError(ErrorCode::EncoderFailed, QStringLiteral("echo cancellation setup step %1: error %2").arg(i).arg(err));
    }
    return success();
}

// One 10 ms frame in place: every far-end frame the playout queued since the last one goes
// in first (the library buffers and aligns them by the delay), then the microphone's.
Status EchoCanceller::Impl::cancel(qint16 *interleaved)
{
    const webrtc::StreamConfig farConfig(ref->sampleRate(), 1);
    while (ref->take(farMono.data(), farFrame)) {
        float *far = farMono.data();
        if (int err = apm->ProcessReverseStream(&far, farConfig, farConfig, &far); err != webrtc::AudioProcessing::kNoError)
            return makeError(ErrorCode::EncoderFailed, QStringLiteral("echo cancellation, reverse stream: error %1").arg(err));
    }
    // Mono is what the AEC is tuned for, and a microphone's two channels carry one voice.
    const float scale = 1.0f / (32768.0f * float(channels));
    for (int i = 0; i < frame; ++i) {
        int sum = 0;
        for (int c = 0; c < channels; ++c)
            sum += interleaved[qsizetype(i) * channels + c];
        nearMono[size_t(i)] = float(sum) * scale;
    }
    delayMs = std::clamp(ref->deviceQueuedMs() + EchoCanceller::kCaptureLatencyMs, 0, kMaxDelayMs);
    apm->set_stream_delay_ms(delayMs);
    const webrtc::StreamConfig nearConfig(rate, 1);
    float *near = nearMono.data();
    if (int err = apm->ProcessStream(&near, nearConfig, nearConfig, &near); err != webrtc::AudioProcessing::kNoError)
        return makeError(ErrorCode::EncoderFailed, QStringLiteral("echo cancellation: error %1").arg(err));
    for (int i = 0; i < frame; ++i) {
        const auto s = qint16(std::clamp(std::lround(nearMono[size_t(i)] * 32768.0f), -32768L, 32767L));
        for (int c = 0; c < channels; ++c)
            interleaved[qsizetype(i) * channels + c] = s;
    }
    return success();
}

#else // no webrtc-audio-processing: RoomSession tells the user to wear headphones instead

bool EchoCanceller::isAvailable()
{
    return false;
}

Status EchoCanceller::Impl::open()
{
    // Not reached by the app (it asks isAvailable() first); for SDK users who do not.
    return makeError(ErrorCode::EncoderFailed, QStringLiteral("echo cancellation: built without webrtc-audio-processing"));
}

Status EchoCanceller::Impl::cancel(qint16 *)
{
    return open();
}

#endif

Result<std::unique_ptr<EchoCanceller>> EchoCanceller::create(std::shared_ptr<FarEndReference> reference, int sampleRate,
                                                             int channels)
{
    if (!reference || sampleRate < 8000 || sampleRate % 100 != 0 || channels < 1 || channels > 8)
        return makeError(ErrorCode::EncoderFailed,
                         QStringLiteral("echo cancellation: unsupported format: %1 Hz, %2 channels").arg(sampleRate).arg(channels));
    auto impl = std::make_unique<Impl>(std::move(reference), sampleRate, channels);
    if (Status s = impl->open(); !s)
        return s.error();
    return std::unique_ptr<EchoCanceller>(new EchoCanceller(std::move(impl)));
}

EchoCanceller::EchoCanceller(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

EchoCanceller::~EchoCanceller() = default;

Result<QVector<qint16>> EchoCanceller::process(const qint16 *interleaved, int frameCount)
{
    Impl &d = *m_impl;
    if (frameCount > 0) {
        const qsizetype old = d.pending.size();
        d.pending.resize(old + qsizetype(frameCount) * d.channels);
        std::copy_n(interleaved, qsizetype(frameCount) * d.channels, d.pending.data() + old);
    }
    const qsizetype frameSamples = qsizetype(d.frame) * d.channels;
    const qsizetype whole = d.pending.size() / frameSamples;
    QVector<qint16> out(d.pending.constData(), d.pending.constData() + whole * frameSamples);
    for (qsizetype f = 0; f < whole; ++f) {
        if (!d.ref->isRemoteAudioPlaying()) {
            // Nothing plays: nothing to cancel. What the reference holds is silence; drop it
            // so the AEC starts from current sound when a member speaks.
            d.ref->trimTo(0);
            ++d.bypassed;
            continue;
        }
        if (Status s = d.cancel(out.data() + f * frameSamples); !s) {
            d.pending.remove(0, whole * frameSamples);
            return s.error();
        }
        ++d.cancelled;
    }
    d.pending.remove(0, whole * frameSamples);
    return out;
}

int EchoCanceller::pendingFrames() const
{
    return int(m_impl->pending.size() / m_impl->channels);
}

int EchoCanceller::frameSize() const
{
    return m_impl->frame;
}

int EchoCanceller::sampleRate() const
{
    return m_impl->rate;
}

int EchoCanceller::channels() const
{
    return m_impl->channels;
}

qint64 EchoCanceller::framesCancelled() const
{
    return m_impl->cancelled;
}

qint64 EchoCanceller::framesBypassed() const
{
    return m_impl->bypassed;
}

int EchoCanceller::lastDelayMs() const
{
    return m_impl->delayMs;
}

} // namespace roomrec
