#include "media/ffmpegvideodecoder.h"

#include "common/logging.h"
#include "protocol/errorcode.h"

extern "C" {
#include <libavutil/hwcontext.h>
#include <libavutil/pixdesc.h>
}

namespace roomrec {

namespace {
// Hardware device types worth trying, in order: what the platform's drivers offer.
const AVHWDeviceType kHardware[] = {AV_HWDEVICE_TYPE_VAAPI, AV_HWDEVICE_TYPE_VDPAU, AV_HWDEVICE_TYPE_CUDA,
                                    AV_HWDEVICE_TYPE_QSV, AV_HWDEVICE_TYPE_VIDEOTOOLBOX, AV_HWDEVICE_TYPE_D3D11VA,
                                    AV_HWDEVICE_TYPE_DXVA2};

// The decoder asks which pixel format to decode to: the hardware one when offered.
AVPixelFormat pickFormat(AVCodecContext *ctx, const AVPixelFormat *formats)
{
    const auto wanted = AVPixelFormat(reinterpret_cast<intptr_t>(ctx->opaque));
    for (const AVPixelFormat *f = formats; *f != AV_PIX_FMT_NONE; ++f) {
        if (*f == wanted)
            return *f;
    }
    // Not offered for this stream (profile, size): software, which every list ends with.
    for (const AVPixelFormat *f = formats; *f != AV_PIX_FMT_NONE; ++f) {
        const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(*f);
        if (d && !(d->flags & AV_PIX_FMT_FLAG_HWACCEL))
            return *f;
    }
    return AV_PIX_FMT_NONE;
}
} // namespace

FfmpegVideoDecoder::FfmpegVideoDecoder(bool preferHardware) : m_preferHardware(preferHardware) {}

FfmpegVideoDecoder::~FfmpegVideoDecoder()
{
    m_context.reset();
    av_buffer_unref(&m_hwDevice);
}

Status FfmpegVideoDecoder::open(const VideoParams &params)
{
    if (params.codec != QLatin1String("h264"))
        return makeError(ErrorCode::DecoderUnavailable, QStringLiteral("codec %1").arg(params.codec));
    m_tried.clear();
    if (m_preferHardware) {
        for (AVHWDeviceType type : kHardware) {
            if (openWith(params, type))
                return success();
        }
    }
    return openWith(params, AV_HWDEVICE_TYPE_NONE);
}

Status FfmpegVideoDecoder::openWith(const VideoParams &params, int deviceType)
{
    const auto type = AVHWDeviceType(deviceType);
    const AVCodec *codec = avcodec_find_decoder(AV_CODEC_ID_H264);
    if (!codec)
        return makeError(ErrorCode::DecoderUnavailable, QStringLiteral("no H.264 decoder in FFmpeg"));
    AVPixelFormat hwFormat = AV_PIX_FMT_NONE;
    if (type != AV_HWDEVICE_TYPE_NONE) {
        for (int i = 0;; ++i) {
            const AVCodecHWConfig *config = avcodec_get_hw_config(codec, i);
            if (!config)
                break;
            if ((config->methods & AV_CODEC_HW_CONFIG_METHOD_HW_DEVICE_CTX) && config->device_type == type) {
                hwFormat = config->pix_fmt;
                break;
            }
        }
        if (hwFormat == AV_PIX_FMT_NONE)
            return makeError(ErrorCode::DecoderUnavailable, QStringLiteral("not in this FFmpeg")); // not worth listing
    }
    AvCodecContextPtr ctx(avcodec_alloc_context3(codec));
    ctx->pkt_timebase = AVRational{1, 1'000'000};
    ctx->width = params.width;
    ctx->height = params.height;
    if (!params.extradata.isEmpty()) {
        // SPS/PPS out of band, as in MP4 (Annex B or avcC: the decoder takes both).
        ctx->extradata = static_cast<uint8_t *>(av_mallocz(size_t(params.extradata.size()) + AV_INPUT_BUFFER_PADDING_SIZE));
        memcpy(ctx->extradata, params.extradata.constData(), size_t(params.extradata.size()));
        ctx->extradata_size = int(params.extradata.size());
    }
    AVBufferRef *device = nullptr;
    const char *typeName = type == AV_HWDEVICE_TYPE_NONE ? "software" : av_hwdevice_get_type_name(type);
    if (type != AV_HWDEVICE_TYPE_NONE) {
        if (int err = av_hwdevice_ctx_create(&device, type, nullptr, nullptr, 0); err < 0) {
            m_tried << QStringLiteral("%1: %2").arg(QLatin1String(typeName), avErrorText(err));
            return makeError(ErrorCode::DecoderUnavailable, avErrorText(err));
        }
        ctx->hw_device_ctx = av_buffer_ref(device);
        ctx->opaque = reinterpret_cast<void *>(intptr_t(hwFormat));
        ctx->get_format = pickFormat;
    }
    if (int err = avcodec_open2(ctx.get(), codec, nullptr); err < 0) {
        m_tried << QStringLiteral("%1: %2").arg(QLatin1String(typeName), avErrorText(err));
        av_buffer_unref(&device);
        return makeError(ErrorCode::DecoderUnavailable, avErrorText(err));
    }
    m_context = std::move(ctx);
    av_buffer_unref(&m_hwDevice);
    m_hwDevice = device;
    m_hwPixelFormat = hwFormat;
    m_packet.reset(av_packet_alloc());
    m_name = QStringLiteral("%1 (%2)").arg(QLatin1String(codec->name), QLatin1String(typeName));
    if (!m_tried.isEmpty())
        qCInfo(lcMedia).noquote() << "video decoders that did not open:" << m_tried.join(QStringLiteral("; "));
    qCInfo(lcMedia).noquote() << "video decoder" << m_name;
    return success();
}

Result<std::vector<DecodedVideoFrame>> FfmpegVideoDecoder::decode(const MediaPacket &packet)
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
    if (packet.key)
        m_packet->flags |= AV_PKT_FLAG_KEY;
    const int err = avcodec_send_packet(m_context.get(), m_packet.get());
    av_packet_unref(m_packet.get());
    if (err < 0 && err != AVERROR(EAGAIN))
        return makeError(ErrorCode::DecoderFailed, avErrorText(err));
    return receive();
}

Result<std::vector<DecodedVideoFrame>> FfmpegVideoDecoder::flush()
{
    if (!m_context)
        return std::vector<DecodedVideoFrame>{};
    avcodec_send_packet(m_context.get(), nullptr);
    auto frames = receive();
    avcodec_flush_buffers(m_context.get());
    return frames;
}

Result<std::vector<DecodedVideoFrame>> FfmpegVideoDecoder::receive()
{
    std::vector<DecodedVideoFrame> out;
    while (true) {
        AvFramePtr frame(av_frame_alloc());
        const int err = avcodec_receive_frame(m_context.get(), frame.get());
        if (err == AVERROR(EAGAIN) || err == AVERROR_EOF)
            break;
        if (err < 0)
            return makeError(ErrorCode::DecoderFailed, avErrorText(err));
        if (m_hwDevice && frame->format == m_hwPixelFormat) {
            // Download: callers (preview, tests, a muxer) want memory they can read.
            AvFramePtr software(av_frame_alloc());
            if (int e = av_hwframe_transfer_data(software.get(), frame.get(), 0); e < 0)
                return makeError(ErrorCode::DecoderFailed, avErrorText(e));
            av_frame_copy_props(software.get(), frame.get());
            frame = std::move(software);
        }
        DecodedVideoFrame decoded;
        decoded.ptsUs = frame->best_effort_timestamp != AV_NOPTS_VALUE ? frame->best_effort_timestamp : frame->pts;
        decoded.frame = std::move(frame);
        out.push_back(std::move(decoded));
    }
    return out;
}

} // namespace roomrec
