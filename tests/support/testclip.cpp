#include "testclip.h"

#include "common/ffmpegptr.h"
#include "protocol/errorcode.h"

#include <QScopeGuard>

using namespace roomrec;

namespace {
Error failed(const QString &what, int averror)
{
    return makeError(ErrorCode::EncoderFailed, what + QStringLiteral(": ") + avErrorText(averror));
}
} // namespace

Status TestClip::write(const QString &path, QSize size, int frames, int fps)
{
    const bool even = size.width() % 2 == 0 && size.height() % 2 == 0;
    const AVPixelFormat format = even ? AV_PIX_FMT_YUV420P : AV_PIX_FMT_YUV444P;
    const AVCodec *codec = avcodec_find_encoder_by_name("libx264");
    if (!codec)
        return makeError(ErrorCode::EncoderUnavailable, QStringLiteral("libx264 missing"));
    AVFormatContext *raw = nullptr;
    if (int err = avformat_alloc_output_context2(&raw, nullptr, "mp4", path.toUtf8().constData()); err < 0)
        return failed(QStringLiteral("muxer"), err);
    AvOutputFormatContextPtr out(raw);
    AvCodecContextPtr encoder(avcodec_alloc_context3(codec));
    encoder->width = size.width();
    encoder->height = size.height();
    encoder->pix_fmt = format;
    encoder->time_base = AVRational{1, fps};
    encoder->framerate = AVRational{fps, 1};
    encoder->gop_size = fps;
    encoder->max_b_frames = 0;
    encoder->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    AVDictionary *options = nullptr;
    av_dict_set(&options, "preset", "ultrafast", 0);
    const int opened = avcodec_open2(encoder.get(), codec, &options);
    av_dict_free(&options);
    if (opened < 0)
        return failed(QStringLiteral("encoder"), opened);
    AVStream *stream = avformat_new_stream(out.get(), nullptr);
    avcodec_parameters_from_context(stream->codecpar, encoder.get());
    stream->time_base = encoder->time_base;
    if (int err = avio_open(&out->pb, path.toUtf8().constData(), AVIO_FLAG_WRITE); err < 0)
        return failed(QStringLiteral("open"), err);
    auto close = qScopeGuard([&] { avio_closep(&out->pb); });
    if (int err = avformat_write_header(out.get(), nullptr); err < 0)
        return failed(QStringLiteral("header"), err);

    AvFramePtr frame(av_frame_alloc());
    frame->format = format;
    frame->width = size.width();
    frame->height = size.height();
    if (int err = av_frame_get_buffer(frame.get(), 0); err < 0)
        return failed(QStringLiteral("frame"), err);
    AvPacketPtr packet(av_packet_alloc());
    auto drain = [&]() -> Status {
        while (true) {
            const int err = avcodec_receive_packet(encoder.get(), packet.get());
            if (err == AVERROR(EAGAIN) || err == AVERROR_EOF)
                return success();
            if (err < 0)
                return failed(QStringLiteral("encode"), err);
            packet->stream_index = stream->index;
            packet->duration = 1; // else the MP4's edit list ends where the last frame starts
            av_packet_rescale_ts(packet.get(), encoder->time_base, stream->time_base);
            if (int w = av_interleaved_write_frame(out.get(), packet.get()); w < 0)
                return failed(QStringLiteral("write"), w);
        }
    };
    quint32 noise = 12345;
    for (int i = 0; i < frames; ++i) {
        if (int err = av_frame_make_writable(frame.get()); err < 0)
            return failed(QStringLiteral("frame"), err);
        // Each plane has its own size (4:2:0 chroma is half, rounded up, in each direction).
        for (int p = 0; p < 3; ++p) {
            const int w = p == 0 || !even ? size.width() : (size.width() + 1) / 2;
            const int h = p == 0 || !even ? size.height() : (size.height() + 1) / 2;
            for (int y = 0; y < h; ++y) {
                quint8 *row = frame->data[p] + qsizetype(y) * frame->linesize[p];
                for (int x = 0; x < w; ++x) {
                    noise = noise * 1664525u + 1013904223u;
                    row[x] = p == 0 ? quint8((x * 4 + y * 2 + i * 3) % 200 + 16 + (noise >> 28)) : quint8(128 + (x + i) % 32);
                }
            }
        }
        frame->pts = i;
        if (int err = avcodec_send_frame(encoder.get(), frame.get()); err < 0)
            return failed(QStringLiteral("encode"), err);
        if (Status s = drain(); !s)
            return s;
    }
    avcodec_send_frame(encoder.get(), nullptr);
    if (Status s = drain(); !s)
        return s;
    if (int err = av_write_trailer(out.get()); err < 0)
        return failed(QStringLiteral("trailer"), err);
    return success();
}
