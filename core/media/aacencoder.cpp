#include "media/aacencoder.h"

#include "protocol/errorcode.h"

extern "C" {
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libavutil/samplefmt.h>
}

namespace roomrec {

AacEncoder::AacEncoder() = default;

AacEncoder::~AacEncoder()
{
    if (m_fifo)
        av_audio_fifo_free(m_fifo);
    if (m_convertBuffer)
        av_freep(&m_convertBuffer[0]);
    av_freep(&m_convertBuffer);
}

Status AacEncoder::open(const AudioEncoderSettings &settings, int inputRate, int inputChannels)
{
    m_settings = settings;
    const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
    if (!codec)
        return makeError(ErrorCode::EncoderUnavailable, QStringLiteral("no AAC encoder in FFmpeg"));
    m_context.reset(avcodec_alloc_context3(codec));
    m_context->sample_rate = settings.sampleRate;
    m_context->sample_fmt = AV_SAMPLE_FMT_FLTP;
    av_channel_layout_default(&m_context->ch_layout, settings.channels);
    m_context->bit_rate = settings.bitrate;
    m_context->time_base = AVRational{1, settings.sampleRate};
    m_context->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (int err = avcodec_open2(m_context.get(), codec, nullptr); err < 0)
        return makeError(ErrorCode::EncoderUnavailable, avErrorText(err));

    AVChannelLayout inLayout;
    av_channel_layout_default(&inLayout, inputChannels);
    SwrContext *swr = nullptr;
    int err = swr_alloc_set_opts2(&swr, &m_context->ch_layout, AV_SAMPLE_FMT_FLTP, settings.sampleRate, &inLayout,
                                  AV_SAMPLE_FMT_S16, inputRate, 0, nullptr);
    av_channel_layout_uninit(&inLayout);
    m_resampler.reset(swr);
    if (err < 0 || (err = swr_init(swr)) < 0)
        return makeError(ErrorCode::EncoderFailed, avErrorText(err));

    m_fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, settings.channels, m_context->frame_size * 4);
    m_frame.reset(av_frame_alloc());
    m_frame->nb_samples = m_context->frame_size;
    m_frame->format = AV_SAMPLE_FMT_FLTP;
    m_frame->sample_rate = settings.sampleRate;
    av_channel_layout_copy(&m_frame->ch_layout, &m_context->ch_layout);
    if (!m_fifo || av_frame_get_buffer(m_frame.get(), 0) < 0)
        return makeError(ErrorCode::EncoderFailed, QStringLiteral("out of memory"));
    m_packet.reset(av_packet_alloc());
    return success();
}

Result<QList<MediaPacket>> AacEncoder::encode(const qint16 *interleaved, int frameCount, qint64 captureUs)
{
    if (!m_context)
        return makeError(ErrorCode::EncoderFailed, QStringLiteral("not open"));
    if (m_originUs < 0)
        m_originUs = captureUs;
    const int maxOut = swr_get_out_samples(m_resampler.get(), frameCount);
    if (maxOut > m_convertCapacity) {
        // Grow the reusable conversion buffer; steady state never reallocates.
        if (m_convertBuffer)
            av_freep(&m_convertBuffer[0]);
        av_freep(&m_convertBuffer);
        if (av_samples_alloc_array_and_samples(&m_convertBuffer, nullptr, m_settings.channels, maxOut,
                                               AV_SAMPLE_FMT_FLTP, 0) < 0)
            return makeError(ErrorCode::EncoderFailed, QStringLiteral("out of memory"));
        m_convertCapacity = maxOut;
    }
    const auto *in = reinterpret_cast<const uint8_t *>(interleaved);
    const int converted = swr_convert(m_resampler.get(), m_convertBuffer, maxOut, &in, frameCount);
    if (converted < 0)
        return makeError(ErrorCode::EncoderFailed, avErrorText(converted));
    if (av_audio_fifo_write(m_fifo, reinterpret_cast<void **>(m_convertBuffer), converted) < converted)
        return makeError(ErrorCode::EncoderFailed, QStringLiteral("out of memory"));
    return encodeAvailable(false);
}

Result<QList<MediaPacket>> AacEncoder::flush()
{
    if (!m_context)
        return QList<MediaPacket>{};
    return encodeAvailable(true);
}

Result<QList<MediaPacket>> AacEncoder::encodeAvailable(bool final)
{
    QList<MediaPacket> out;
    while (av_audio_fifo_size(m_fifo) >= m_context->frame_size || (final && av_audio_fifo_size(m_fifo) > 0)) {
        if (av_frame_make_writable(m_frame.get()) < 0)
            return makeError(ErrorCode::EncoderFailed, QStringLiteral("out of memory"));
        const int n = av_audio_fifo_read(m_fifo, reinterpret_cast<void **>(m_frame->data), m_context->frame_size);
        m_frame->nb_samples = n;
        m_frame->pts = m_samplesSent;
        m_samplesSent += n;
        const int err = avcodec_send_frame(m_context.get(), m_frame.get());
        m_frame->nb_samples = m_context->frame_size;
        if (err < 0)
            return makeError(ErrorCode::EncoderFailed, avErrorText(err));
        if (Status s = drain(out); !s)
            return s.error();
    }
    if (final) {
        avcodec_send_frame(m_context.get(), nullptr);
        if (Status s = drain(out); !s)
            return s.error();
    }
    return out;
}

Status AacEncoder::drain(QList<MediaPacket> &out)
{
    while (true) {
        const int err = avcodec_receive_packet(m_context.get(), m_packet.get());
        if (err == AVERROR(EAGAIN) || err == AVERROR_EOF)
            return success();
        if (err < 0)
            return makeError(ErrorCode::EncoderFailed, avErrorText(err));
        MediaPacket packet;
        packet.track = Track::CameraAudio;
        packet.key = true;
        packet.ptsUs = m_originUs + av_rescale(m_packet->pts, 1'000'000, m_settings.sampleRate);
        packet.dtsUs = m_originUs + av_rescale(m_packet->dts, 1'000'000, m_settings.sampleRate);
        packet.durationUs = qint32(av_rescale(m_packet->duration, 1'000'000, m_settings.sampleRate));
        packet.data = QByteArray(reinterpret_cast<const char *>(m_packet->data), m_packet->size);
        av_packet_unref(m_packet.get());
        out << std::move(packet);
    }
}

QByteArray AacEncoder::extradata() const
{
    if (!m_context || !m_context->extradata)
        return {};
    return QByteArray(reinterpret_cast<const char *>(m_context->extradata), m_context->extradata_size);
}

} // namespace roomrec
