#include "media/previewconverter.h"

namespace roomrec {

QImage PreviewConverter::convert(const AVFrame *frame)
{
    if (!frame || frame->width <= 0 || frame->height <= 0)
        return {};
    const int width = qMin(m_maxWidth, frame->width) & ~1;
    const int height = qMax(2, int(qint64(frame->height) * width / frame->width)) & ~1;
    m_scaler.reset(sws_getCachedContext(m_scaler.release(), frame->width, frame->height, AVPixelFormat(frame->format),
                                        width, height, AV_PIX_FMT_BGRA, SWS_BILINEAR, nullptr, nullptr, nullptr));
    if (!m_scaler)
        return {};
    QImage image(width, height, QImage::Format_RGB32);
    uint8_t *dst[4] = {image.bits(), nullptr, nullptr, nullptr};
    int dstStride[4] = {int(image.bytesPerLine()), 0, 0, 0};
    sws_scale(m_scaler.get(), frame->data, frame->linesize, 0, frame->height, dst, dstStride);
    return image;
}

} // namespace roomrec
