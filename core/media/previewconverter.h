#pragma once

#include "common/ffmpegptr.h"

#include <QImage>

namespace roomrec {

// Turns a captured frame into a small RGB QImage for on-screen previews. The scaler is
// cached and reused; only the QImage is new per call (it is handed across threads).
class PreviewConverter {
public:
    explicit PreviewConverter(int maxWidth = 480) : m_maxWidth(maxWidth) {}
    QImage convert(const AVFrame *frame);

private:
    int m_maxWidth;
    SwsContextPtr m_scaler;
};

} // namespace roomrec
