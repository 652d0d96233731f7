#pragma once

#include <QtGlobal>

namespace roomrec {

// The video clock of a published stream (as OBS has one): every encoded frame gets a
// timestamp on a constant grid of the chosen rate, anchored at the first frame, so the
// recorded file is constant frame rate whatever the source's jitter. A frame that lands in
// a slot already filled is dropped; slots a late source skipped are filled by repeating
// the previous picture. Rounding to the nearest slot moves a frame by at most half a
// frame period, which keeps A/V sync well inside 40 ms at any rate of 15 fps and up.
class FrameGrid {
public:
    // A gap longer than this (a stalled source, a suspended machine) is not filled: the
    // grid starts again at the next frame instead of encoding seconds of repeats.
    static constexpr int kMaxRepeatSeconds = 5;

    struct Placement {
        bool drop = false;  // this frame's slot is already taken
        qint64 repeats = 0; // slots to fill with the previous picture first
        qint64 firstRepeatSlot = 0;
        qint64 slot = 0;    // this frame's slot
    };

    explicit FrameGrid(int fps = 30);

    int fps() const { return m_fps; }
    void reset(); // the next frame anchors a new grid (encoding restarted)
    Placement place(qint64 captureUs);
    qint64 ptsOfSlot(qint64 slot) const;

private:
    int m_fps;
    qint64 m_originUs = 0;
    qint64 m_lastSlot = -1; // -1: no grid yet
};

} // namespace roomrec
