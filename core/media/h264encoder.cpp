#include "media/h264encoder.h"

#include "common/logging.h"
#include "protocol/errorcode.h"

extern "C" {
#include <libavutil/hwcontext.h>
#include <libavutil/opt.h>
}

namespace roomrec {

namespace {
// Hardware encoders worth trying, in order; each falls back to the next when it cannot open
// (no device, no driver): the machine decides, not the build.
const QStringList kHardwareEncoders = {QStringLiteral("h264_nvenc"), QStringLiteral("h264_qsv"),
                                       QStringLiteral("h264_vaapi"), QStringLiteral("h264_videotoolbox"),
                                       QStringLiteral("h264_mf")};

QStringList candidateEncoders(const QString &preferred)
{
    QStringList names;
    if (preferred == QLatin1String("hardware"))
        names << kHardwareEncoders;
    else if (!preferred.isEmpty())
        names << preferred;
    names << QStringLiteral("libx264") << QStringLiteral("libopenh264");
    return names;
}

// The software pixel format to feed: YUV420P when the encoder takes it, else NV12.
AVPixelFormat inputFormatFor(const AVCodec *codec)
{
    if (!codec->pix_fmts)
        return AV_PIX_FMT_YUV420P;
    bool nv12 = false;
    for (const AVPixelFormat *f = codec->pix_fmts; *f != AV_PIX_FMT_NONE; ++f) {
        if (*f == AV_PIX_FMT_YUV420P)
            return AV_PIX_FMT_YUV420P;
        nv12 = nv12 || *f == AV_PIX_FMT_NV12;
    }
    return nv12 ? AV_PIX_FMT_NV12 : codec->pix_fmts[0];
}

// VAAPI takes only GPU frames: make a device and a frame pool, frames are uploaded.
Status attachVaapi(AVCodecContext *ctx, AVBufferRef **device)
{
    if (int err = av_hwdevice_ctx_create(device, AV_HWDEVICE_TYPE_VAAPI, nullptr, nullptr, 0); err < 0)
        return Error{int(ErrorCode::EncoderUnavailable), avErrorText(err)};
    AVBufferRef *frames = av_hwframe_ctx_alloc(*device);
    auto *fc = reinterpret_cast<AVHWFramesContext *>(frames->data);
    fc->format = AV_PIX_FMT_VAAPI;
    fc->sw_format = AV_PIX_FMT_NV12;
    fc->width = ctx->width;
    fc->height = ctx->height;
    fc->initial_pool_size = 8;
    if (int err = av_hwframe_ctx_init(frames); err < 0) {
        av_buffer_unref(&frames);
        return Error{int(ErrorCode::EncoderUnavailable), avErrorText(err)};
    }
    ctx->hw_frames_ctx = frames;
    ctx->pix_fmt = AV_PIX_FMT_VAAPI;
    return success();
}
} // namespace

H264Encoder::~H264Encoder()
{
    av_buffer_unref(&m_hwDevice);
}

Status H264Encoder::open(const VideoEncoderSettings &settings)
{
    m_settings = settings;
    if (settings.size.width() < 16 || settings.size.height() < 16 || settings.size.width() % 2
        || settings.size.height() % 2 || settings.frameRate < 1 || settings.frameRate > 240)
        return makeError(ErrorCode::EncoderFailed, QStringLiteral("unsupported size or frame rate"));

    QStringList tried;
    QList<const AVCodec *> codecs;
    for (const QString &name : candidateEncoders(settings.encoder)) {
        if (const AVCodec *codec = avcodec_find_encoder_by_name(name.toUtf8().constData()))
            codecs << codec;
    }
    if (const AVCodec *any = avcodec_find_encoder(AV_CODEC_ID_H264))
        codecs << any;

    for (const AVCodec *codec : codecs) {
        AvCodecContextPtr ctx(avcodec_alloc_context3(codec));
        ctx->width = settings.size.width();
        ctx->height = settings.size.height();
        const bool vaapi = QLatin1String(codec->name) == QLatin1String("h264_vaapi");
        m_inputFormat = vaapi ? AV_PIX_FMT_NV12 : inputFormatFor(codec);
        ctx->pix_fmt = m_inputFormat;
        if (vaapi) {
            av_buffer_unref(&m_hwDevice);
            if (Status s = attachVaapi(ctx.get(), &m_hwDevice); !s) {
                tried << QStringLiteral("%1: %2").arg(QLatin1String(codec->name), s.error().message);
                continue;
            }
        }
        ctx->time_base = AVRational{1, 1'000'000};
        ctx->framerate = AVRational{settings.frameRate, 1};
        ctx->bit_rate = settings.bitrate;
        ctx->rc_max_rate = settings.bitrate * 3 / 2;
        ctx->rc_buffer_size = settings.bitrate; // ~1 s VBV: steady bitrate for live upload
        ctx->gop_size = settings.gopFrames;
        ctx->max_b_frames = 0;
        ctx->flags |= AV_CODEC_FLAG_GLOBAL_HEADER; // SPS/PPS in extradata for the MP4 muxer
        AVDictionary *options = nullptr;
        if (QLatin1String(codec->name) == QLatin1String("libx264")) {
            av_dict_set(&options, "preset", settings.preset.toUtf8().constData(), 0);
            av_dict_set(&options, "tune", "zerolatency", 0);
            av_dict_set(&options, "forced-idr", "1", 0);
        }
        const int err = avcodec_open2(ctx.get(), codec, &options);
        av_dict_free(&options);
        if (err < 0) {
            tried << QStringLiteral("%1: %2").arg(QLatin1String(codec->name), avErrorText(err));
            continue;
        }
        m_context = std::move(ctx);
        m_packet.reset(av_packet_alloc());
        if (vaapi)
            m_hwFrame.reset(av_frame_alloc());
        if (!tried.isEmpty())
            qCInfo(lcMedia).noquote() << "encoders that did not open:" << tried.join(QStringLiteral("; "));
        qCInfo(lcMedia) << "video encoder" << codec->name << settings.size << settings.frameRate << "fps"
                        << settings.bitrate << "bit/s";
        return success();
    }
    return makeError(ErrorCode::EncoderUnavailable, tried.isEmpty() ? QStringLiteral("no H.264 encoder in FFmpeg") : tried.join(QStringLiteral("; ")));
}

AVFrame *H264Encoder::convert(AVFrame *frame)
{
    if (frame->format == m_inputFormat && frame->width == m_context->width && frame->height == m_context->height)
        return frame;
    // Only when the source cannot give what the encoder takes: convert into a reused frame.
    m_scaler.reset(sws_getCachedContext(m_scaler.release(), frame->width, frame->height, AVPixelFormat(frame->format),
                                        m_context->width, m_context->height, m_inputFormat, SWS_BILINEAR,
                                        nullptr, nullptr, nullptr));
    if (!m_scaler)
        return nullptr;
    if (!m_converted) {
        m_converted.reset(av_frame_alloc());
        m_converted->format = m_inputFormat;
        m_converted->width = m_context->width;
        m_converted->height = m_context->height;
        if (av_frame_get_buffer(m_converted.get(), 0) < 0)
            return nullptr;
    }
    if (av_frame_make_writable(m_converted.get()) < 0)
        return nullptr;
    sws_scale(m_scaler.get(), frame->data, frame->linesize, 0, frame->height, m_converted->data, m_converted->linesize);
    return m_converted.get();
}

Result<QList<MediaPacket>> H264Encoder::encode(AVFrame *source, qint64 captureUs, bool forceKey, Track track)
{
    if (!m_context)
        return makeError(ErrorCode::EncoderFailed, QStringLiteral("not open"));
    // Let go of the previous picture first, so converting into m_converted does not copy it.
    if (m_last)
        av_frame_unref(m_last.get());
    AVFrame *frame = convert(source);
    if (!frame)
        return makeError(ErrorCode::EncoderFailed, QStringLiteral("pixel format conversion"));
    if (!m_last)
        m_last.reset(av_frame_alloc());
    // A reference for refcounted frames; a copy of sources' borrowed buffers (they are reused).
    if (av_frame_ref(m_last.get(), frame) < 0)
        av_frame_unref(m_last.get());
    return send(frame, captureUs, forceKey, track);
}

Result<QList<MediaPacket>> H264Encoder::repeatLast(qint64 ptsUs, bool forceKey, Track track)
{
    if (!m_context)
        return makeError(ErrorCode::EncoderFailed, QStringLiteral("not open"));
    if (!m_last || !m_last->buf[0])
        return QList<MediaPacket>{};
    return send(m_last.get(), ptsUs, forceKey, track);
}

Result<QList<MediaPacket>> H264Encoder::send(AVFrame *frame, qint64 ptsUs, bool forceKey, Track track)
{
    frame->pts = ptsUs;
    frame->pict_type = forceKey ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
    if (m_hwFrame) {
        // Upload to a GPU frame from the encoder's pool.
        av_frame_unref(m_hwFrame.get());
        if (int err = av_hwframe_get_buffer(m_context->hw_frames_ctx, m_hwFrame.get(), 0); err < 0)
            return makeError(ErrorCode::EncoderFailed, avErrorText(err));
        if (int err = av_hwframe_transfer_data(m_hwFrame.get(), frame, 0); err < 0)
            return makeError(ErrorCode::EncoderFailed, avErrorText(err));
        m_hwFrame->pts = frame->pts;
        m_hwFrame->pict_type = frame->pict_type;
        frame = m_hwFrame.get();
    }
    if (int err = avcodec_send_frame(m_context.get(), frame); err < 0)
        return makeError(ErrorCode::EncoderFailed, avErrorText(err));
    return drain(track);
}

Result<QList<MediaPacket>> H264Encoder::flush(Track track)
{
    if (!m_context)
        return QList<MediaPacket>{};
    avcodec_send_frame(m_context.get(), nullptr);
    return drain(track);
}

Result<QList<MediaPacket>> H264Encoder::drain(Track track)
{
    QList<MediaPacket> out;
    while (true) {
        const int err = avcodec_receive_packet(m_context.get(), m_packet.get());
        if (err == AVERROR(EAGAIN) || err == AVERROR_EOF)
            break;
        if (err < 0)
            return makeError(ErrorCode::EncoderFailed, avErrorText(err));
        MediaPacket packet;
        packet.track = track;
        packet.key = m_packet->flags & AV_PKT_FLAG_KEY;
        packet.ptsUs = m_packet->pts;
        packet.dtsUs = m_packet->dts;
        packet.durationUs = qint32(1'000'000 / m_settings.frameRate);
        packet.data = QByteArray(reinterpret_cast<const char *>(m_packet->data), m_packet->size);
        av_packet_unref(m_packet.get());
        out << std::move(packet);
    }
    return out;
}

QByteArray H264Encoder::extradata() const
{
    if (!m_context || !m_context->extradata)
        return {};
    return QByteArray(reinterpret_cast<const char *>(m_context->extradata), m_context->extradata_size);
}

QString H264Encoder::encoderName() const
{
    return m_context ? QLatin1String(m_context->codec->name) : QString();
}

} // namespace roomrec
