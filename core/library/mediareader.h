#pragma once

#include "common/ffmpegptr.h"
#include "common/result.h"

#include <functional>

namespace roomrec {

// Reads an MP4 and decodes its video: each decoded frame goes to onFrame, each packet of
// another stream (audio) to onOther, untouched. Shared by the post-processing jobs.
class MediaReader {
public:
    Status open(const QString &path);
    Status run(const std::function<Status(AVFrame *)> &onFrame, const std::function<Status(AVPacket *)> &onOther = {});

    AVFormatContext *format() const { return m_format.get(); }
    AVStream *videoStream() const { return m_video; }
    AVCodecContext *decoder() const { return m_decoder.get(); }
    double durationSeconds() const;
    double secondsOf(const AVFrame *frame) const;

private:
    AvInputFormatContextPtr m_format;
    AvCodecContextPtr m_decoder;
    AVStream *m_video = nullptr;
};

} // namespace roomrec
