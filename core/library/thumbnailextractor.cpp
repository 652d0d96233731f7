#include "library/thumbnailextractor.h"

#include "common/ffmpegptr.h"
#include "library/mediareader.h"
#include "protocol/errorcode.h"

#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QSize>

namespace roomrec {

namespace {
Status writeJpeg(const AVFrame *frame, QSize size, const QString &path)
{
    const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
    if (!codec)
        return makeError(ErrorCode::EncoderUnavailable, QStringLiteral("no MJPEG encoder"));
    AvCodecContextPtr ctx(avcodec_alloc_context3(codec));
    ctx->width = size.width();
    ctx->height = size.height();
    ctx->pix_fmt = AV_PIX_FMT_YUVJ420P;
    ctx->time_base = AVRational{1, 25};
    ctx->flags |= AV_CODEC_FLAG_QSCALE;
    ctx->global_quality = FF_QP2LAMBDA * 3; // high quality JPEG
    if (int err = avcodec_open2(ctx.get(), codec, nullptr); err < 0)
        return makeError(ErrorCode::EncoderFailed, avErrorText(err));
    SwsContextPtr scaler(sws_getContext(frame->width, frame->height, AVPixelFormat(frame->format), size.width(), size.height(),
                                        AV_PIX_FMT_YUVJ420P, SWS_BICUBIC, nullptr, nullptr, nullptr));
    AvFramePtr scaled(av_frame_alloc());
    scaled->format = AV_PIX_FMT_YUVJ420P;
    scaled->width = size.width();
    scaled->height = size.height();
    if (!scaler || av_frame_get_buffer(scaled.get(), 0) < 0)
        return makeError(ErrorCode::EncoderFailed, QStringLiteral("scaling"));
    sws_scale(scaler.get(), frame->data, frame->linesize, 0, frame->height, scaled->data, scaled->linesize);
    scaled->pts = 0;
    scaled->quality = ctx->global_quality;
    AvPacketPtr packet(av_packet_alloc());
    if (avcodec_send_frame(ctx.get(), scaled.get()) < 0 || avcodec_send_frame(ctx.get(), nullptr) < 0
        || avcodec_receive_packet(ctx.get(), packet.get()) < 0)
        return makeError(ErrorCode::EncoderFailed, QStringLiteral("JPEG encoding"));
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly)
        || out.write(reinterpret_cast<const char *>(packet->data), packet->size) != packet->size || !out.flush()) {
        out.remove(); // no truncated picture is left behind
        return makeError(ErrorCode::StorageWriteFailed, path);
    }
    return success();
}
} // namespace

Result<QJsonArray> ThumbnailExtractor::extract(const QString &videoPath, const QString &outputDir, const Options &options)
{
    MediaReader reader;
    if (Status s = reader.open(videoPath); !s)
        return s.error();
    if (!QDir().mkpath(outputDir))
        return makeError(ErrorCode::StorageWriteFailed, outputDir);
    const double coverAt = reader.durationSeconds() > 1.0 ? 1.0 : 0.0;
    QJsonArray outputs;
    bool haveCover = false;
    int thumbnails = 0;
    double nextThumbnail = 0;
    // JPEGs are 4:2:0 here: both sides even (an odd 17x31 stream gives 16x30) and at least 2.
    const int thumbnailWidth = qMax(2, options.width & ~1);
    Status loop = reader.run([&](AVFrame *frame) -> Status {
        // Checked once a frame, so a cancel (shutdown) stops the job within a frame's work.
        if (options.cancel && options.cancel->load(std::memory_order_relaxed))
            return makeError(ErrorCode::ServerShuttingDown, QStringLiteral("screenshots cancelled"));
        if (frame->width < 1 || frame->height < 1)
            return makeError(ErrorCode::EncoderFailed, QStringLiteral("decoded an empty frame"));
        const double t = reader.secondsOf(frame);
        const QSize full(qMax(2, frame->width & ~1), qMax(2, frame->height & ~1));
        if (!haveCover && t >= coverAt) {
            const QString path = QDir(outputDir).filePath(QStringLiteral("cover.jpg"));
            if (Status s = writeJpeg(frame, full, path); !s)
                return s;
            outputs << QJsonObject{{QStringLiteral("kind"), QStringLiteral("cover")}, {QStringLiteral("path"), path},
                                   {QStringLiteral("width"), full.width()}, {QStringLiteral("height"), full.height()},
                                   {QStringLiteral("atSeconds"), t}};
            haveCover = true;
        }
        if (thumbnails < options.maxThumbnails && t >= nextThumbnail) {
            const int height = qMax(2, int(qint64(thumbnailWidth) * frame->height / frame->width) & ~1);
            const QString path = QDir(outputDir).filePath(QStringLiteral("thumb-%1.jpg").arg(thumbnails + 1, 3, 10, QLatin1Char('0')));
            if (Status s = writeJpeg(frame, QSize(thumbnailWidth, height), path); !s)
                return s;
            outputs << QJsonObject{{QStringLiteral("kind"), QStringLiteral("thumbnail")}, {QStringLiteral("path"), path},
                                   {QStringLiteral("width"), thumbnailWidth}, {QStringLiteral("height"), height},
                                   {QStringLiteral("atSeconds"), t}};
            ++thumbnails;
            nextThumbnail = t + options.intervalSeconds;
        }
        return success();
    });
    if (!loop) {
        // Failed or cancelled: the pictures written so far are in no catalogue entry.
        for (const QJsonValue &v : std::as_const(outputs))
            QFile::remove(v.toObject().value(QStringLiteral("path")).toString());
        return loop.error();
    }
    return outputs;
}

} // namespace roomrec
