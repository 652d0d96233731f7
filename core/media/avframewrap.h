#pragma once

#include <QSize>

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/pixfmt.h>
}

namespace roomrec {

// Points a reusable AVFrame at pixels someone else owns (a mapped QVideoFrame, a QImage,
// a device packet) without copying. Valid while that memory is.
class AvFrameWrap {
public:
    // planes/strides as given by the source; returns false for unsupported layouts.
    static bool wrap(AVFrame *frame, AVPixelFormat format, QSize size, uint8_t *const planes[4], const int strides[4]);
    static bool wrapPacked(AVFrame *frame, AVPixelFormat format, QSize size, uint8_t *data, int stride);
};

} // namespace roomrec
