#pragma once

#include <QDateTime>
#include <QElapsedTimer>

namespace roomrec {

// The one monotonic capture clock that audio and video sources of a publisher share, so
// their timestamps are comparable (A/V sync). Time starts at kOriginUs rather than 0 so an
// audio encoder's priming delay (its first packet is stamped one frame early) never gives
// a negative timestamp on the wire.
class MediaClock {
public:
    static constexpr qint64 kOriginUs = 1'000'000;

    MediaClock() : m_wallAtStartUs(QDateTime::currentMSecsSinceEpoch() * 1000) { m_timer.start(); }
    qint64 nowUs() const { return kOriginUs + m_timer.nsecsElapsed() / 1000; }
    // The wall clock (µs since 1970) at timestamp 0: timestamp + this = when it was captured,
    // comparable with another process's wall clock on the same machine (latency).
    qint64 wallClockEpochUs() const { return m_wallAtStartUs - kOriginUs; }

private:
    qint64 m_wallAtStartUs;
    QElapsedTimer m_timer;
};

} // namespace roomrec
