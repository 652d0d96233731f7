#include "media/ffmpegaudiodecoder.h"

#include "protocol/errorcode.h"

extern "C" {
#include <libavutil/channel_layout.h>
}

namespace roomrec {

FfmpegAudioDecoder::FfmpegAudioDecoder() = default;
FfmpegAudioDecoder::~FfmpegAudioDecoder() = default;

Status FfmpegAudioDecoder::open(const AudioParams &params, int outputRate, int outputChannels)
{
    if (params.codec != QLatin1String("aac"))
        return makeError(ErrorCode::DecoderUnavailable, QStringLiteral("codec %1").arg(params.codec));
    const AVCodec *codec = avcodec_find_decoder(AV_CODEC_ID_AAC);
    if (!codec)
        return makeError(ErrorCode::DecoderUnavailable, QStringLiteral("no AAC decoder in FFmpeg"));
    AvCodecContextPtr ctx(avcodec_alloc_context3(codec));
    ctx->sample_rate = params.sampleRate;
    av_channel_layout_default(&ctx->ch_layout, params.channels);
    ctx->pkt_timebase = AVRational{1, 1'000'000};
    if (!params.extradata.isEmpty()) {
        // The AudioSpecificConfig, as the encoder gave it.
        ctx->extradata = static_cast<uint8_t *>(av_mallocz(size_t(params.extradata.size()) + AV_INPUT_BUFFER_PADDING_SIZE));
        memcpy(ctx->extradata, params.extradata.constData(), size_t(params.extradata.size()));
        ctx->extradata_size = int(params.extradata.size());
    }
    if (int err = avcodec_open2(ctx.get(), codec, nullptr); err < 0)
        return makeError(ErrorCode::DecoderUnavailable, avErrorText(err));
    m_context = std::move(ctx);
    m_outRate = outputRate;
    m_outChannels = outputChannels;
    m_packet.reset(av_packet_alloc());
    m_frame.reset(av_frame_alloc());
    m_resampler.reset();
    return success();
}

Result<std::vector<DecodedAudio>> FfmpegAudioDecoder::decode(const MediaPacket &packet)
{
    if (!m_context)
        return makeError(ErrorCode::DecoderFailed, QStringLiteral("not open"));
    av_packet_unref(m_packet.get());
    if (int err = av_new_packet(m_packet.get(), int(packet.data.size())); err < 0)
        return makeError(ErrorCode::DecoderFailed, avErrorText(err));
    memcpy(m_packet->data, packet.data.constData(), size_t(packet.data.size()));
    m_packet->pts = packet.ptsUs;
    m_packet->dts = packet.dtsUs;
    m_packet->duration = packet.durationUs;
    const int err = avcodec_send_packet(m_context.get(), m_packet.get());
    av_packet_unref(m_packet.get());
    if (err < 0 && err != AVERROR(EAGAIN))
        return makeError(ErrorCode::DecoderFailed, avErrorText(err));
    return receive();
}

Result<std::vector<DecodedAudio>> FfmpegAudioDecoder::flush()
{
    if (!m_context)
        return std::vector<DecodedAudio>{};
    avcodec_send_packet(m_context.get(), nullptr);
    auto out = receive();
    avcodec_flush_buffers(m_context.get());
    return out;
}

Result<std::vector<DecodedAudio>> FfmpegAudioDecoder::receive()
{
    std::vector<DecodedAudio> out;
    while (true) {
        const int err = avcodec_receive_frame(m_context.get(), m_frame.get());
        if (err == AVERROR(EAGAIN) || err == AVERROR_EOF)
            break;
        if (err < 0)
            return makeError(ErrorCode::DecoderFailed, avErrorText(err));
        if (!m_resampler) {
            // Made from the first frame: the decoder's real format is known only then.
            AVChannelLayout outLayout;
            av_channel_layout_default(&outLayout, m_outChannels);
            SwrContext *swr = nullptr;
            int e = swr_alloc_set_opts2(&swr, &outLayout, AV_SAMPLE_FMT_S16, m_outRate, &m_frame->ch_layout,
                                        AVSampleFormat(m_frame->format), m_frame->sample_rate, 0, nullptr);
            av_channel_layout_uninit(&outLayout);
            m_resampler.reset(swr);
            if (e < 0 || (e = swr_init(swr)) < 0)
                return makeError(ErrorCode::DecoderFailed, avErrorText(e));
        }
        DecodedAudio block;
        block.channels = m_outChannels;
        const int capacity = int(swr_get_out_samples(m_resampler.get(), m_frame->nb_samples));
        block.samples.resize(qsizetype(capacity) * m_outChannels);
        uint8_t *dst[1] = {reinterpret_cast<uint8_t *>(block.samples.data())};
        const int converted = swr_convert(m_resampler.get(), dst, capacity,
                                          const_cast<const uint8_t **>(m_frame->extended_data), m_frame->nb_samples);
        if (converted < 0)
            return makeError(ErrorCode::DecoderFailed, avErrorText(converted));
        block.samples.resize(qsizetype(converted) * m_outChannels);
        const qint64 pts = m_frame->best_effort_timestamp != AV_NOPTS_VALUE ? m_frame->best_effort_timestamp : m_frame->pts;
        block.ptsUs = pts;
        av_frame_unref(m_frame.get());
        if (!block.samples.isEmpty())
            out.push_back(std::move(block));
    }
    return out;
}

} // namespace roomrec
