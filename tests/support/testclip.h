#pragma once

#include "common/result.h"

#include <QSize>
#include <QString>

// Writes a small real H.264 MP4 of any size (test support only), straight through
// libavcodec/libavformat: the app's H264Encoder takes only even sizes of 16 and up, and
// post-processing has to cope with whatever a stream brings. Odd sizes are coded 4:4:4
// (High 4:4:4 Predictive), because H.264 can only crop 4:2:0 pictures to even sizes.
// The picture moves and carries some noise, so encoding it is real work.
class TestClip {
public:
    static roomrec::Status write(const QString &path, QSize size, int frames, int fps);
};
