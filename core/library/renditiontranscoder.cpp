#include "library/renditiontranscoder.h"

#include "common/blockfont.h"
#include "common/ffmpegptr.h"
#include "library/mediareader.h"
#include "protocol/errorcode.h"

#include <QFile>
#include <QHash>

extern "C" {
#include <libavutil/opt.h>
}

namespace roomrec {

void RenditionTranscoder::drawWatermark(AVFrame *frame, const QString &text)
{
    if (!frame || !frame->data[0] || frame->width < 1 || frame->height < 1 || text.isEmpty())
        return;
    const QByteArray latin = text.toLatin1();
    // Scale 2 at least, for legibility, unless the frame is too short for the text and its
    // box at that scale (a 256x18 stream): then scale 1.
    int scale = qMax(2, frame->height / 120);
    if (BlockFont::textHeight(scale) + 2 * scale > frame->height)
        scale = 1;
    const int w = BlockFont::textWidth(latin.constData(), scale);
    const int h = BlockFont::textHeight(scale);
    // Bottom-right, with the margin shrinking to what room the frame has left; text wider or
    // taller than the frame starts left of / above it and is clipped, keeping its end (the
    // file ID) visible.
    const int margin = scale * 4;
    const int x = frame->width - w - qBound(0, frame->width - w, margin);
    const int y = frame->height - h - qBound(0, frame->height - h, margin);
    // Darken a box behind the text so it reads on any picture; clipped to the plane on every
    // side (the box reaches a scale beyond the text, which may be outside the frame).
    const int top = qMax(0, y - scale);
    const int bottom = qMin(frame->height, y + h + scale);
    const int left = qMax(0, x - scale);
    const int right = int(qMin<qint64>(frame->width, qint64(x) + w + scale));
    for (int row = top; row < bottom; ++row) {
        quint8 *line = frame->data[0] + qsizetype(row) * frame->linesize[0];
        for (int col = left; col < right; ++col)
            line[col] = quint8(line[col] / 3);
    }
    BlockFont::draw(frame->data[0], frame->linesize[0], frame->width, frame->height, latin.constData(), x, y, scale, 235);
}

QSize RenditionTranscoder::outputSize(QSize input, int height)
{
    // 4:2:0 keeps one chroma sample per 2x2 luma block, and H.264 can only crop 4:2:0 to even
    // sizes, so an odd width or height (a 17x31 stream) is rounded to even; 2 at least, so a
    // very tall or very wide stream still gets a picture. The height is made even first and
    // the width follows it, so the aspect stays as close as it can.
    if (input.width() < 1 || input.height() < 1)
        return {};
    if (height <= 0 || height >= input.height())
        return QSize(qMax(2, input.width() & ~1), qMax(2, input.height() & ~1));
    const int h = qMax(2, height & ~1);
    const int w = int((qint64(input.width()) * h / input.height() + 1) & ~1); // an odd width rounds up, as before
    return QSize(qMax(2, w), h);
}

Result<QSize> RenditionTranscoder::transcode(const QString &input, const QString &output, const Options &options,
                                             const Progress &progress)
{
    MediaReader reader;
    if (Status s = reader.open(input); !s)
        return s.error();
    const AVCodecParameters *in = reader.videoStream()->codecpar;
    if (in->width < 1 || in->height < 1)
        return makeError(ErrorCode::MuxerFailed, QStringLiteral("%1: video of unknown size").arg(input));
    const QSize size = outputSize(QSize(in->width, in->height), options.height);

    const AVCodec *codec = avcodec_find_encoder_by_name("libx264");
    if (!codec)
        codec = avcodec_find_encoder(AV_CODEC_ID_H264);
    if (!codec)
        return makeError(ErrorCode::EncoderUnavailable, QStringLiteral("no H.264 encoder"));
    AVFormatContext *rawOut = nullptr;
    if (int err = avformat_alloc_output_context2(&rawOut, nullptr, "mp4", output.toUtf8().constData()); err < 0)
        return makeError(ErrorCode::MuxerFailed, avErrorText(err));
    AvOutputFormatContextPtr out(rawOut);
    AvCodecContextPtr encoder(avcodec_alloc_context3(codec));
    encoder->width = size.width();
    encoder->height = size.height();
    encoder->pix_fmt = AV_PIX_FMT_YUV420P;
    encoder->time_base = reader.videoStream()->time_base;
    encoder->framerate = reader.videoStream()->avg_frame_rate;
    encoder->bit_rate = options.bitrate;
    encoder->gop_size = 60;
    encoder->max_b_frames = 0;
    encoder->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    AVDictionary *encoderOptions = nullptr;
    av_dict_set(&encoderOptions, "preset", "veryfast", 0);
    const int opened = avcodec_open2(encoder.get(), codec, &encoderOptions);
    av_dict_free(&encoderOptions);
    if (opened < 0)
        return makeError(ErrorCode::EncoderFailed, avErrorText(opened));
    AVStream *videoOut = avformat_new_stream(out.get(), nullptr);
    avcodec_parameters_from_context(videoOut->codecpar, encoder.get());
    videoOut->time_base = encoder->time_base;
    // Every other stream (the audio) is copied as it is.
    QHash<int, AVStream *> copied;
    for (unsigned i = 0; i < reader.format()->nb_streams; ++i) {
        AVStream *st = reader.format()->streams[i];
        if (st == reader.videoStream() || st->codecpar->codec_type != AVMEDIA_TYPE_AUDIO)
            continue;
        AVStream *copy = avformat_new_stream(out.get(), nullptr);
        avcodec_parameters_copy(copy->codecpar, st->codecpar);
        copy->codecpar->codec_tag = 0;
        copy->time_base = st->time_base;
        copied.insert(int(i), copy);
    }
    auto fail = [&](Error error) {
        if (out->pb)
            avio_closep(&out->pb);
        QFile::remove(output); // no half-written rendition is left behind (failure or cancel)
        return error;
    };
    auto writeFailed = [](const QString &message) { return Error{int(ErrorCode::StorageWriteFailed), message}; };
    if (int err = avio_open(&out->pb, output.toUtf8().constData(), AVIO_FLAG_WRITE); err < 0)
        return fail(writeFailed(QStringLiteral("open: ") + avErrorText(err)));
    AVDictionary *muxOptions = nullptr;
    av_dict_set(&muxOptions, "movflags", "+faststart", 0);
    const int header = avformat_write_header(out.get(), &muxOptions);
    av_dict_free(&muxOptions);
    if (header < 0)
        return fail(writeFailed(QStringLiteral("header: ") + avErrorText(header)));

    SwsContextPtr scaler;
    AvFramePtr scaled(av_frame_alloc());
    scaled->format = AV_PIX_FMT_YUV420P;
    scaled->width = size.width();
    scaled->height = size.height();
    if (av_frame_get_buffer(scaled.get(), 0) < 0)
        return fail(writeFailed(QStringLiteral("out of memory")));
    AvPacketPtr packet(av_packet_alloc());
    // The MP4 muxer takes a sample's duration from the next sample, and the last one's from
    // its packet: with none, the edit list ends where the last frame starts and players drop
    // it. libx264 sets none, so each packet gets the input's frame duration (or the nominal one).
    const AVRational rate = reader.videoStream()->avg_frame_rate;
    const int64_t nominalDuration = rate.num > 0 && rate.den > 0 ? av_rescale_q(1, av_inv_q(rate), encoder->time_base) : 0;
    int64_t frameDuration = nominalDuration;
    auto writeEncoded = [&]() -> Status {
        while (true) {
            const int err = avcodec_receive_packet(encoder.get(), packet.get());
            if (err == AVERROR(EAGAIN) || err == AVERROR_EOF)
                return success();
            if (err < 0)
                return Error{int(ErrorCode::EncoderFailed), avErrorText(err)};
            packet->stream_index = videoOut->index;
            if (packet->duration <= 0)
                packet->duration = frameDuration;
            av_packet_rescale_ts(packet.get(), encoder->time_base, videoOut->time_base);
            if (int w = av_interleaved_write_frame(out.get(), packet.get()); w < 0)
                return Error{int(ErrorCode::StorageWriteFailed), avErrorText(w)};
        }
    };
    const double duration = reader.durationSeconds();
    int lastPercent = -1;
    Status loop = reader.run(
        [&](AVFrame *frame) -> Status {
            // Checked once a frame, so a cancel (shutdown) stops the job within a frame's work.
            if (options.cancel && options.cancel->load(std::memory_order_relaxed))
                return makeError(ErrorCode::ServerShuttingDown, QStringLiteral("transcoding cancelled"));
            scaler.reset(sws_getCachedContext(scaler.release(), frame->width, frame->height, AVPixelFormat(frame->format),
                                              size.width(), size.height(), AV_PIX_FMT_YUV420P, SWS_BICUBIC, nullptr, nullptr, nullptr));
            if (!scaler || av_frame_make_writable(scaled.get()) < 0)
                return Error{int(ErrorCode::EncoderFailed), QStringLiteral("scaling")};
            sws_scale(scaler.get(), frame->data, frame->linesize, 0, frame->height, scaled->data, scaled->linesize);
            if (!options.watermark.isEmpty())
                drawWatermark(scaled.get(), options.watermark);
            scaled->pts = frame->best_effort_timestamp;
            if (frame->pkt_duration > 0) // the encoder's time base is the input stream's
                frameDuration = frame->pkt_duration;
            if (int err = avcodec_send_frame(encoder.get(), scaled.get()); err < 0)
                return Error{int(ErrorCode::EncoderFailed), avErrorText(err)};
            if (progress && duration > 0) {
                const int percent = qBound(0, int(reader.secondsOf(frame) * 100 / duration), 99);
                if (percent / 10 != lastPercent / 10) {
                    lastPercent = percent;
                    progress(percent);
                }
            }
            return writeEncoded();
        },
        [&](AVPacket *p) -> Status {
            AVStream *copy = copied.value(p->stream_index);
            if (!copy)
                return success();
            av_packet_rescale_ts(p, reader.format()->streams[p->stream_index]->time_base, copy->time_base);
            p->stream_index = copy->index;
            p->pos = -1;
            if (int err = av_interleaved_write_frame(out.get(), p); err < 0)
                return Error{int(ErrorCode::StorageWriteFailed), avErrorText(err)};
            return success();
        });
    if (!loop)
        return fail(loop.error());
    avcodec_send_frame(encoder.get(), nullptr);
    if (Status s = writeEncoded(); !s)
        return fail(s.error());
    if (int err = av_write_trailer(out.get()); err < 0)
        return fail(writeFailed(QStringLiteral("trailer: ") + avErrorText(err)));
    avio_closep(&out->pb);
    if (progress)
        progress(100);
    return size;
}

} // namespace roomrec
