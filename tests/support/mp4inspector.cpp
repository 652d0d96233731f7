#include "mp4inspector.h"

#include "common/error.h"
#include "common/ffmpegptr.h"

#include <cmath>

Mp4Report Mp4Inspector::inspect(const QString &path, bool findFlashes)
{
    using namespace roomrec;
    Mp4Report report;
    AVFormatContext *raw = nullptr;
    if (int err = avformat_open_input(&raw, path.toUtf8().constData(), nullptr, nullptr); err < 0) {
        report.error = avErrorText(err);
        return report;
    }
    AvInputFormatContextPtr format(raw);
    if (int err = avformat_find_stream_info(format.get(), nullptr); err < 0) {
        report.error = avErrorText(err);
        return report;
    }
    report.opened = true;
    report.formatName = QLatin1String(format->iformat->name);
    report.durationSeconds = format->duration == AV_NOPTS_VALUE ? 0 : format->duration / 1e6;
    std::vector<AvCodecContextPtr> decoders(format->nb_streams);
    for (unsigned i = 0; i < format->nb_streams; ++i) {
        const AVStream *st = format->streams[i];
        const AVCodecParameters *par = st->codecpar;
        if (par->codec_type == AVMEDIA_TYPE_VIDEO) {
            ++report.videoStreams;
            report.videoCodec = QLatin1String(avcodec_get_name(par->codec_id));
            report.width = par->width;
            report.height = par->height;
            if (st->start_time != AV_NOPTS_VALUE)
                report.videoStartSeconds = st->start_time * av_q2d(st->time_base);
        } else if (par->codec_type == AVMEDIA_TYPE_AUDIO) {
            ++report.audioStreams;
            report.audioCodec = QLatin1String(avcodec_get_name(par->codec_id));
        } else {
            continue;
        }
        const AVCodec *codec = avcodec_find_decoder(par->codec_id);
        if (!codec)
            continue;
        decoders[i].reset(avcodec_alloc_context3(codec));
        avcodec_parameters_to_context(decoders[i].get(), par);
        decoders[i]->err_recognition = AV_EF_EXPLODE | AV_EF_CRCCHECK;
        if (avcodec_open2(decoders[i].get(), codec, nullptr) < 0)
            decoders[i].reset();
    }
    AvPacketPtr packet(av_packet_alloc());
    AvFramePtr frame(av_frame_alloc());
    // Beep onsets: mean |sample| over 2.5 ms windows rising past a threshold between the
    // quiet tone (amplitude 0.05, mean 0.03) and the beep (0.5, mean 0.32).
    bool loud = false;
    bool white = false; // the previous video frame was a flash
    auto findBeeps = [&](const AVFrame *f, AVRational timeBase) {
        constexpr int kWindow = 120;
        const auto *samples = reinterpret_cast<const float *>(f->data[0]);
        const double start = f->best_effort_timestamp * av_q2d(timeBase);
        for (int w = 0; w + kWindow <= f->nb_samples; w += kWindow) {
            double sum = 0;
            for (int i = 0; i < kWindow; ++i)
                sum += std::abs(samples[w + i]);
            const double level = sum / kWindow;
            if (!loud && level > 0.15)
                report.beepTimes << start + double(w) / f->sample_rate;
            loud = level > (loud ? 0.1 : 0.15);
        }
    };
    auto drain = [&](unsigned index) {
        AVCodecContext *ctx = decoders[index].get();
        while (true) {
            const int err = avcodec_receive_frame(ctx, frame.get());
            if (err == AVERROR(EAGAIN) || err == AVERROR_EOF)
                return;
            if (err < 0) {
                ++report.decodeErrors;
                return;
            }
            if (ctx->codec_type == AVMEDIA_TYPE_VIDEO) {
                ++report.videoFramesDecoded;
                if (findFlashes && frame->format == AV_PIX_FMT_YUV420P) {
                    qint64 sum = 0;
                    for (int y = 0; y < frame->height; y += 4) {
                        const uint8_t *row = frame->data[0] + qsizetype(y) * frame->linesize[0];
                        for (int x = 0; x < frame->width; x += 4)
                            sum += row[x];
                    }
                    const qint64 samples = qint64((frame->height + 3) / 4) * ((frame->width + 3) / 4);
                    const bool flash = sum / samples > 200;
                    if (flash && !white)
                        report.flashTimes << frame->best_effort_timestamp * av_q2d(format->streams[index]->time_base);
                    white = flash;
                }
            } else {
                ++report.audioFramesDecoded;
                if (findFlashes && frame->format == AV_SAMPLE_FMT_FLTP)
                    findBeeps(frame.get(), format->streams[index]->time_base);
            }
            av_frame_unref(frame.get());
        }
    };
    while (av_read_frame(format.get(), packet.get()) >= 0) {
        const unsigned index = unsigned(packet->stream_index);
        if (index < decoders.size() && decoders[index]) {
            if (format->streams[index]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO && (packet->flags & AV_PKT_FLAG_KEY))
                ++report.keyFrames;
            if (avcodec_send_packet(decoders[index].get(), packet.get()) < 0)
                ++report.decodeErrors;
            drain(index);
        }
        av_packet_unref(packet.get());
    }
    for (unsigned i = 0; i < decoders.size(); ++i) {
        if (decoders[i]) {
            avcodec_send_packet(decoders[i].get(), nullptr);
            drain(i);
        }
    }
    return report;
}
