#include "media/avframewrap.h"

namespace roomrec {

bool AvFrameWrap::wrap(AVFrame *frame, AVPixelFormat format, QSize size, uint8_t *const planes[4], const int strides[4])
{
    if (format == AV_PIX_FMT_NONE || size.isEmpty())
        return false;
    av_frame_unref(frame); // drop any buffer the frame held: it now borrows memory
    frame->format = format;
    frame->width = size.width();
    frame->height = size.height();
    for (int i = 0; i < 4; ++i) {
        frame->data[i] = planes[i];
        frame->linesize[i] = strides[i];
    }
    return true;
}

bool AvFrameWrap::wrapPacked(AVFrame *frame, AVPixelFormat format, QSize size, uint8_t *data, int stride)
{
    uint8_t *const planes[4] = {data, nullptr, nullptr, nullptr};
    const int strides[4] = {stride, 0, 0, 0};
    return wrap(frame, format, size, planes, strides);
}

} // namespace roomrec
