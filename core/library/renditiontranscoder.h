#pragma once

#include "common/result.h"

#include <QSize>

extern "C" {
#include <libavutil/frame.h>
}

#include <functional>

namespace roomrec {

// The "transcode" and "watermark" post-processing: re-encodes the video (libx264, or any
// H.264 encoder FFmpeg has) at another size and/or with a text watermark burnt in, copying
// the audio as it is, into a regular MP4 with its index up front.
class RenditionTranscoder {
public:
    struct Options {
        int height = 0;        // 0: keep the size; else scale to this height (even width, same aspect)
        int bitrate = 600'000;
        QString watermark;     // empty: none; else drawn bottom-right in the block font
    };
    using Progress = std::function<void(int percent)>;

    // Returns the output's size in pixels.
    static Result<QSize> transcode(const QString &input, const QString &output, const Options &options,
                                   const Progress &progress = {});

    static void drawWatermark(AVFrame *frame, const QString &text);
};

} // namespace roomrec
