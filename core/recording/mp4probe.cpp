#include "recording/mp4probe.h"

#include "common/ffmpegptr.h"
#include "protocol/errorcode.h"

namespace roomrec {

Result<Mp4Info> Mp4Probe::probe(const QString &path)
{
    AVFormatContext *raw = nullptr;
    if (int err = avformat_open_input(&raw, path.toUtf8().constData(), nullptr, nullptr); err < 0)
        return makeError(ErrorCode::MuxerFailed, QStringLiteral("%1: %2").arg(path, avErrorText(err)));
    AvInputFormatContextPtr format(raw);
    if (int err = avformat_find_stream_info(format.get(), nullptr); err < 0)
        return makeError(ErrorCode::MuxerFailed, QStringLiteral("%1: %2").arg(path, avErrorText(err)));
    Mp4Info info;
    if (format->duration != AV_NOPTS_VALUE)
        info.durationUs = format->duration;
    for (unsigned i = 0; i < format->nb_streams; ++i) {
        const AVCodecParameters *par = format->streams[i]->codecpar;
        if (par->codec_type == AVMEDIA_TYPE_VIDEO && info.videoCodec.isEmpty()) {
            info.videoCodec = QLatin1String(avcodec_get_name(par->codec_id));
            info.width = par->width;
            info.height = par->height;
        } else if (par->codec_type == AVMEDIA_TYPE_AUDIO && info.audioCodec.isEmpty()) {
            info.audioCodec = QLatin1String(avcodec_get_name(par->codec_id));
        }
    }
    return info;
}

} // namespace roomrec
