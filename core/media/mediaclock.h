#pragma once

#include <QElapsedTimer>

namespace roomrec {

// The one monotonic capture clock that audio and video sources of a publisher share, so
// their timestamps are comparable (A/V sync). Time starts at kOriginUs rather than 0 so an
// audio encoder's priming delay (its first packet is stamped one frame early) never gives
// a negative timestamp on the wire.
class MediaClock {
public:
    static constexpr qint64 kOriginUs = 1'000'000;

    MediaClock() { m_timer.start(); }
    qint64 nowUs() const { return kOriginUs + m_timer.nsecsElapsed() / 1000; }

private:
    QElapsedTimer m_timer;
};

} // namespace roomrec
