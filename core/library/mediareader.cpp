#include "library/mediareader.h"

#include "protocol/errorcode.h"

namespace roomrec {

Status MediaReader::open(const QString &path)
{
    AVFormatContext *raw = nullptr;
    if (int err = avformat_open_input(&raw, path.toUtf8().constData(), nullptr, nullptr); err < 0)
        return makeError(ErrorCode::FileNotFound, QStringLiteral("%1: %2").arg(path, avErrorText(err)));
    m_format.reset(raw);
    if (int err = avformat_find_stream_info(raw, nullptr); err < 0)
        return makeError(ErrorCode::MuxerFailed, avErrorText(err));
    const int index = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (index < 0)
        return makeError(ErrorCode::MuxerFailed, QStringLiteral("no video stream"));
    m_video = raw->streams[index];
    const AVCodec *codec = avcodec_find_decoder(m_video->codecpar->codec_id);
    if (!codec)
        return makeError(ErrorCode::EncoderUnavailable, QStringLiteral("no decoder"));
    m_decoder.reset(avcodec_alloc_context3(codec));
    avcodec_parameters_to_context(m_decoder.get(), m_video->codecpar);
    m_decoder->pkt_timebase = m_video->time_base;
    if (int err = avcodec_open2(m_decoder.get(), codec, nullptr); err < 0)
        return makeError(ErrorCode::EncoderUnavailable, avErrorText(err));
    return success();
}

double MediaReader::durationSeconds() const
{
    return m_format && m_format->duration > 0 ? m_format->duration / 1e6 : 0;
}

double MediaReader::secondsOf(const AVFrame *frame) const
{
    const int64_t ts = frame->best_effort_timestamp == AV_NOPTS_VALUE ? frame->pts : frame->best_effort_timestamp;
    return ts == AV_NOPTS_VALUE ? 0 : ts * av_q2d(m_video->time_base);
}

Status MediaReader::run(const std::function<Status(AVFrame *)> &onFrame, const std::function<Status(AVPacket *)> &onOther)
{
    AvPacketPtr packet(av_packet_alloc());
    AvFramePtr frame(av_frame_alloc());
    auto drain = [&]() -> Status {
        while (true) {
            const int err = avcodec_receive_frame(m_decoder.get(), frame.get());
            if (err == AVERROR(EAGAIN) || err == AVERROR_EOF)
                return success();
            if (err < 0)
                return makeError(ErrorCode::EncoderFailed, avErrorText(err));
            Status s = onFrame(frame.get());
            av_frame_unref(frame.get());
            if (!s)
                return s;
        }
    };
    while (av_read_frame(m_format.get(), packet.get()) >= 0) {
        Status s = success();
        if (packet->stream_index == m_video->index) {
            if (avcodec_send_packet(m_decoder.get(), packet.get()) >= 0)
                s = drain();
        } else if (onOther) {
            s = onOther(packet.get());
        }
        av_packet_unref(packet.get());
        if (!s)
            return s;
    }
    avcodec_send_packet(m_decoder.get(), nullptr);
    return drain();
}

} // namespace roomrec
