#include "media/publishpipeline.h"

#include "common/logging.h"

namespace roomrec {

PublishPipeline::PublishPipeline(std::unique_ptr<VideoSource> video, std::unique_ptr<AudioSource> audio,
                                 Track videoTrack, const VideoEncoderSettings &videoSettings,
                                 const AudioEncoderSettings &audioSettings)
    : m_video(std::move(video)), m_audio(std::move(audio)), m_track(videoTrack), m_videoSettings(videoSettings),
      m_audioSettings(audioSettings)
{
    qRegisterMetaType<roomrec::MediaPacket>();
    qRegisterMetaType<roomrec::PublishStats>();
    // Sources become children so they follow the pipeline into its worker thread.
    m_video->setParent(this);
    if (m_audio)
        m_audio->setParent(this);
    connect(m_video.get(), &VideoSource::frameCaptured, this, &PublishPipeline::onFrame);
    connect(m_video.get(), &VideoSource::framesDropped, this, [this](int n) { m_stats.droppedFrames += n; });
    connect(m_video.get(), &VideoSource::errorOccurred, this, &PublishPipeline::errorOccurred);
    if (m_audio) {
        connect(m_audio.get(), &AudioSource::samplesCaptured, this, &PublishPipeline::onSamples);
        connect(m_audio.get(), &AudioSource::errorOccurred, this, &PublishPipeline::errorOccurred);
    }
    connect(&m_statsTimer, &QTimer::timeout, this, &PublishPipeline::publishStats);
}

// The sources are owned by the unique_ptrs; deleting a child unregisters it from its parent.
PublishPipeline::~PublishPipeline() = default;

Status PublishPipeline::open()
{
    return setEncoding(true);
}

Status PublishPipeline::setEncoding(bool on)
{
    if (on == m_encoding)
        return success();
    if (!on) {
        m_encoding = false;
        flushEncoders();
        m_videoEncoder.reset();
        m_audioEncoder.reset();
        m_echoCanceller.reset();
        updateAudioCapture();
        return success();
    }
    VideoEncoderSettings settings = m_videoSettings;
    settings.size = m_video->frameSize();
    settings.frameRate = m_video->frameRate();
    m_videoEncoder.emplace();
    if (Status s = m_videoEncoder->open(settings); !s) {
        m_videoEncoder.reset();
        return s;
    }
    if (m_audio) {
        m_audioEncoder.emplace();
        if (Status s = m_audioEncoder->open(m_audioSettings, m_audio->sampleRate(), m_audio->channels()); !s) {
            m_videoEncoder.reset();
            m_audioEncoder.reset();
            return s;
        }
        m_echoFailed = false;
    }
    m_grid = FrameGrid(settings.frameRate);
    m_encoding = true;
    // The microphone is open only while its sound is being sent.
    updateAudioCapture();
    return success();
}

void PublishPipeline::setVideoMuted(bool muted)
{
    if (std::exchange(m_videoMuted, muted) == muted)
        return;
    if (Status s = updateVideoCapture(); !s)
        emit errorOccurred(s.error().code, s.error().message);
}

void PublishPipeline::setAudioMuted(bool muted)
{
    if (std::exchange(m_audioMuted, muted) == muted)
        return;
    updateAudioCapture();
}

Status PublishPipeline::updateVideoCapture()
{
    const bool wanted = m_running && !m_videoMuted;
    if (wanted == m_videoCapturing)
        return success();
    if (!wanted) {
        m_videoCapturing = false;
        m_video->stop();
        return success();
    }
    if (Status s = m_video->start(); !s)
        return s;
    m_videoCapturing = true;
    // Back after a pause: a new grid from the next frame (not seconds of repeats of the
    // picture before it) that subscribers can decode at once.
    m_grid.reset();
    m_keyFrameRequested = true;
    return success();
}

void PublishPipeline::updateAudioCapture()
{
    const bool wanted = m_audio && m_running && m_encoding && !m_audioMuted;
    if (wanted == m_audioCapturing)
        return;
    m_audioCapturing = wanted;
    if (!wanted) {
        m_audio->stop();
        if (m_audioEncoder && m_audioMuted) {
            // Muted while sending: what the encoder holds goes out, and a fresh encoder
            // stamps the sound after the pause from its own capture time (AacEncoder counts
            // samples from its first block, which would close the gap and break A/V sync).
            emitPackets(m_audioEncoder->flush());
            m_audioEncoder.emplace();
            if (Status s = m_audioEncoder->open(m_audioSettings, m_audio->sampleRate(), m_audio->channels()); !s) {
                m_audioEncoder.reset();
                emit errorOccurred(s.error().code, s.error().message);
            }
        }
        return;
    }
    if (Status s = m_audio->start(); !s) {
        m_audioCapturing = false;
        emit errorOccurred(s.error().code, s.error().message);
    }
}

VideoParams PublishPipeline::videoParams() const
{
    VideoParams p;
    if (!m_videoEncoder)
        return p;
    p.width = m_videoEncoder->settings().size.width();
    p.height = m_videoEncoder->settings().size.height();
    p.frameRateNum = m_videoEncoder->settings().frameRate;
    p.frameRateDen = 1;
    p.extradata = m_videoEncoder->extradata();
    return p;
}

std::optional<AudioParams> PublishPipeline::audioParams() const
{
    if (!m_audioEncoder)
        return std::nullopt;
    AudioParams p;
    p.sampleRate = m_audioEncoder->sampleRate();
    p.channels = m_audioEncoder->channels();
    p.extradata = m_audioEncoder->extradata();
    return p;
}

void PublishPipeline::start()
{
    if (m_running)
        return;
    m_running = true;
    if (Status s = updateVideoCapture(); !s) {
        m_running = false;
        emit errorOccurred(s.error().code, s.error().message);
        return;
    }
    updateAudioCapture();
    m_statsClock.start();
    m_statsTimer.start(1000);
}

void PublishPipeline::stop()
{
    if (!m_running)
        return;
    m_running = false;
    (void)updateVideoCapture(); // with m_running false it only stops the capture, which cannot fail
    updateAudioCapture();
    m_statsTimer.stop();
    // Packets still inside the encoders are sent: nothing captured is lost.
    flushEncoders();
    emit stopped();
}

void PublishPipeline::flushEncoders()
{
    if (m_videoEncoder)
        emitPackets(m_videoEncoder->flush(m_track));
    if (m_audioEncoder)
        emitPackets(m_audioEncoder->flush());
}

void PublishPipeline::onFrame(AVFrame *frame, qint64 captureUs)
{
    ++m_intervalCaptured;
    if (m_previewEnabled && m_frameCounter % 3 == 0)
        emit previewReady(m_preview.convert(frame));
    ++m_frameCounter;
    if (!m_encoding)
        return;
    QElapsedTimer encodeTimer;
    encodeTimer.start();
    encodeOnGrid(frame, captureUs);
    m_intervalEncodeNs += encodeTimer.nsecsElapsed();
}

void PublishPipeline::encodeOnGrid(AVFrame *frame, qint64 captureUs)
{
    const FrameGrid::Placement place = m_grid.place(captureUs);
    if (place.drop) {
        ++m_stats.framesDroppedOnGrid;
        return;
    }
    for (qint64 i = 0; i < place.repeats; ++i) {
        const bool forceKey = m_keyFrameRequested.exchange(false);
        emitPackets(m_videoEncoder->repeatLast(m_grid.ptsOfSlot(place.firstRepeatSlot + i), forceKey, m_track));
        ++m_stats.framesRepeated;
    }
    const bool forceKey = m_keyFrameRequested.exchange(false);
    emitPackets(m_videoEncoder->encode(frame, m_grid.ptsOfSlot(place.slot), forceKey, m_track));
}

void PublishPipeline::onSamples(const qint16 *samples, int count, qint64 captureUs)
{
    if (!m_audioEncoder)
        return;
    if (!echoCancellerReady()) {
        emitPackets(m_audioEncoder->encode(samples, count, captureUs));
        return;
    }
    // The canceller hands back whole 10 ms frames; the first of them started with the
    // samples it kept from the last block, that much earlier.
    const qint64 keptUs = qint64(m_echoCanceller->pendingFrames()) * 1'000'000 / m_audio->sampleRate();
    const qint64 cancelledBefore = m_echoCanceller->framesCancelled();
    const qint64 bypassedBefore = m_echoCanceller->framesBypassed();
    auto processed = m_echoCanceller->process(samples, count);
    if (!processed) {
        emit errorOccurred(processed.error().code, processed.error().message);
        m_echoCanceller.reset(); // from now on uncancelled, but not silent
        m_echoFailed = true;
        emitPackets(m_audioEncoder->encode(samples, count, captureUs));
        return;
    }
    m_stats.echoFramesCancelled += m_echoCanceller->framesCancelled() - cancelledBefore;
    m_stats.echoFramesBypassed += m_echoCanceller->framesBypassed() - bypassedBefore;
    const int frames = int(processed->size() / m_audio->channels());
    if (frames > 0)
        emitPackets(m_audioEncoder->encode(processed->constData(), frames, captureUs - keptUs));
}

// Made with the first samples: only then does a microphone know the format its device gave.
bool PublishPipeline::echoCancellerReady()
{
    if (!m_echoReference || !EchoCanceller::isAvailable() || m_echoFailed)
        return false;
    if (m_echoCanceller && m_echoCanceller->sampleRate() == m_audio->sampleRate()
        && m_echoCanceller->channels() == m_audio->channels())
        return true;
    auto canceller = EchoCanceller::create(m_echoReference, m_audio->sampleRate(), m_audio->channels());
    if (!canceller) {
        // The sound still goes out, uncancelled: better than no sound at all.
        m_echoFailed = true;
        m_echoCanceller.reset();
        qCWarning(lcMedia) << canceller.error().message;
        emit errorOccurred(canceller.error().code, canceller.error().message);
        return false;
    }
    m_echoCanceller = std::move(canceller.value());
    return true;
}

void PublishPipeline::emitPackets(const Result<QList<MediaPacket>> &packets)
{
    if (!packets) {
        emit errorOccurred(packets.error().code, packets.error().message);
        return;
    }
    for (const MediaPacket &packet : packets.value()) {
        if (packet.isVideo()) {
            ++m_intervalFrames;
            ++m_stats.framesSent;
        }
        m_intervalBytes += packet.data.size();
        emit packetReady(packet);
    }
}

void PublishPipeline::publishStats()
{
    const double seconds = qMax<qint64>(1, m_statsClock.restart()) / 1000.0;
    m_stats.captureFps = m_intervalCaptured / seconds;
    m_stats.encodeFps = m_intervalFrames / seconds;
    m_stats.bitrateKbps = m_intervalBytes * 8 / seconds / 1000.0;
    m_stats.encodeMsPerFrame = m_intervalCaptured ? m_intervalEncodeNs / 1e6 / m_intervalCaptured : 0;
    m_intervalFrames = m_intervalBytes = m_intervalEncodeNs = m_intervalCaptured = 0;
    emit statsUpdated(m_stats);
}

} // namespace roomrec
