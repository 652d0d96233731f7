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
    const QByteArray latin = text.toLatin1();
    const int scale = qMax(2, frame->height / 120);
    const int w = BlockFont::textWidth(latin.constData(), scale);
    const int h = BlockFont::textHeight(scale);
    const int margin = scale * 4;
    const int x = frame->width - w - margin;
    const int y = frame->height - h - margin;
    if (x < 0 || y < 0)
        return;
    // Darken a box behind the text so it reads on any picture.
    for (int row = y - scale; row < y + h + scale && row < frame->height; ++row) {
        quint8 *line = frame->data[0] + qsizetype(row) * frame->linesize[0];
        for (int col = qMax(0, x - scale); col < qMin(frame->width, x + w + scale); ++col)
            line[col] = quint8(line[col] / 3);
    }
    BlockFont::draw(frame->data[0], frame->linesize[0], frame->width, frame->height, latin.constData(), x, y, scale, 235);
}

Result<QSize> RenditionTranscoder::transcode(const QString &input, const QString &output, const Options &options,
                                             const Progress &progress)
{
    MediaReader reader;
    if (Status s = reader.open(input); !s)
        return s.error();
    const AVCodecParameters *in = reader.videoStream()->codecpar;
    QSize size(in->width, in->height);
    if (options.height > 0 && options.height < in->height)
        size = QSize(int(qint64(in->width) * options.height / in->height + 1) & ~1, options.height & ~1);

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
    auto fail = [&](const QString &message) {
        if (out->pb)
            avio_closep(&out->pb);
        QFile::remove(output); // no half-written rendition is left behind
        return Error{int(ErrorCode::StorageWriteFailed), message};
    };
    if (int err = avio_open(&out->pb, output.toUtf8().constData(), AVIO_FLAG_WRITE); err < 0)
        return fail(QStringLiteral("open: ") + avErrorText(err));
    AVDictionary *muxOptions = nullptr;
    av_dict_set(&muxOptions, "movflags", "+faststart", 0);
    const int header = avformat_write_header(out.get(), &muxOptions);
    av_dict_free(&muxOptions);
    if (header < 0)
        return fail(QStringLiteral("header: ") + avErrorText(header));

    SwsContextPtr scaler;
    AvFramePtr scaled(av_frame_alloc());
    scaled->format = AV_PIX_FMT_YUV420P;
    scaled->width = size.width();
    scaled->height = size.height();
    if (av_frame_get_buffer(scaled.get(), 0) < 0)
        return fail(QStringLiteral("out of memory"));
    AvPacketPtr packet(av_packet_alloc());
    auto writeEncoded = [&]() -> Status {
        while (true) {
            const int err = avcodec_receive_packet(encoder.get(), packet.get());
            if (err == AVERROR(EAGAIN) || err == AVERROR_EOF)
                return success();
            if (err < 0)
                return Error{int(ErrorCode::EncoderFailed), avErrorText(err)};
            packet->stream_index = videoOut->index;
            av_packet_rescale_ts(packet.get(), encoder->time_base, videoOut->time_base);
            if (int w = av_interleaved_write_frame(out.get(), packet.get()); w < 0)
                return Error{int(ErrorCode::StorageWriteFailed), avErrorText(w)};
        }
    };
    const double duration = reader.durationSeconds();
    int lastPercent = -1;
    Status loop = reader.run(
        [&](AVFrame *frame) -> Status {
            scaler.reset(sws_getCachedContext(scaler.release(), frame->width, frame->height, AVPixelFormat(frame->format),
                                              size.width(), size.height(), AV_PIX_FMT_YUV420P, SWS_BICUBIC, nullptr, nullptr, nullptr));
            if (!scaler || av_frame_make_writable(scaled.get()) < 0)
                return Error{int(ErrorCode::EncoderFailed), QStringLiteral("scaling")};
            sws_scale(scaler.get(), frame->data, frame->linesize, 0, frame->height, scaled->data, scaled->linesize);
            if (!options.watermark.isEmpty())
                drawWatermark(scaled.get(), options.watermark);
            scaled->pts = frame->best_effort_timestamp;
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
        return fail(loop.error().message);
    avcodec_send_frame(encoder.get(), nullptr);
    if (Status s = writeEncoded(); !s)
        return fail(s.error().message);
    if (int err = av_write_trailer(out.get()); err < 0)
        return fail(QStringLiteral("trailer: ") + avErrorText(err));
    avio_closep(&out->pb);
    if (progress)
        progress(100);
    return size;
}

} // namespace roomrec
