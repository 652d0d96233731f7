#pragma once

#include "common/result.h"

#include <QSize>

extern "C" {
#include <libavutil/frame.h>
}

#include <atomic>
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
        // Set (from any thread) to stop: the call then fails with ServerShuttingDown and
        // leaves no output file. Read once a decoded frame.
        const std::atomic_bool *cancel = nullptr;
    };
    using Progress = std::function<void(int percent)>;

    // Returns the output's size in pixels.
    static Result<QSize> transcode(const QString &input, const QString &output, const Options &options,
                                   const Progress &progress = {});

    // The encoded size for an input of `input` pixels: scaled down to `height` (0: kept),
    // same aspect, both sides even (4:2:0) and at least 2; empty for an empty input.
    static QSize outputSize(QSize input, int height);
    // Burns the text into the frame's luma, bottom-right; never writes outside the plane,
    // whatever the frame's size (text that does not fit is clipped).
    static void drawWatermark(AVFrame *frame, const QString &text);
};

} // namespace roomrec
