#include "media/framegrid.h"

namespace roomrec {

FrameGrid::FrameGrid(int fps) : m_fps(qBound(1, fps, 240)) {}

void FrameGrid::reset()
{
    m_lastSlot = -1;
}

qint64 FrameGrid::ptsOfSlot(qint64 slot) const
{
    // Computed from the slot number each time, never accumulated: no drift at 30000/1001-like
    // periods that are not whole microseconds.
    return m_originUs + slot * 1'000'000 / m_fps;
}

FrameGrid::Placement FrameGrid::place(qint64 captureUs)
{
    Placement p;
    if (m_lastSlot < 0 || captureUs < m_originUs) {
        m_originUs = captureUs;
        m_lastSlot = 0;
        return p; // slot 0 of a new grid
    }
    // Nearest slot, in integers: (elapsed * fps + half a second) / 1 s.
    const qint64 slot = ((captureUs - m_originUs) * m_fps + 500'000) / 1'000'000;
    if (slot <= m_lastSlot) {
        p.drop = true;
        p.slot = m_lastSlot;
        return p;
    }
    if (slot - m_lastSlot - 1 > qint64(kMaxRepeatSeconds) * m_fps) {
        m_originUs = captureUs;
        m_lastSlot = 0;
        return p;
    }
    p.repeats = slot - m_lastSlot - 1;
    p.firstRepeatSlot = m_lastSlot + 1;
    p.slot = slot;
    m_lastSlot = slot;
    return p;
}

} // namespace roomrec
