#pragma once

#include <QtGlobal>

extern "C" {
#include <libavutil/frame.h>
}

namespace roomrec {

// Draws the test picture straight into a YUV 4:2:0 frame: moving diagonal bands, a
// bouncing box, the frame number and capture time in a block font, and a full white
// flash on the first frame of every second. The flash lines up with the test tone's beep,
// so A/V sync and dropped frames can be measured from a recording alone.
class TestPatternPainter {
public:
    // flash: paint this frame as the once-a-second flash frame.
    static void paint(AVFrame *frame, qint64 frameNumber, qint64 captureMs, bool flash);

    // Text in the block font (digits, a few capitals, ". : -"), white on the luma plane.
    static void drawLabel(AVFrame *frame, const char *text, int x, int y, int scale) { drawText(frame, text, x, y, scale, 235); }

    // Mean luma above which a decoded frame counts as a flash (for analysis tools/tests).
    static constexpr int kFlashLumaThreshold = 200;

private:
    static void drawText(AVFrame *frame, const char *text, int x, int y, int scale, quint8 luma);
};

} // namespace roomrec
