#include "server/readcoalescer.h"

#ifdef Q_OS_LINUX
#include <sys/socket.h>
#endif

namespace roomrec {

qint64 ReadCoalescer::markFor(qint64 bytes, qint64 elapsedMs, int coalesceMs)
{
    if (elapsedMs <= 0)
        return 1;
    const qint64 perCoalesce = bytes * coalesceMs / elapsedMs;
    return perCoalesce < kMinMarkBytes ? 1 : qMin(perCoalesce, kMaxMarkBytes);
}

void ReadCoalescer::onRead(qint64 bytes)
{
    m_sinceRead.restart();
    m_windowBytes += bytes;
    if (const qint64 elapsed = m_window.elapsed(); elapsed >= kRateWindowMs) {
        m_rateBytes = m_windowBytes;
        m_rateMs = elapsed;
        m_target = markFor(m_rateBytes, m_rateMs, coalesceMs());
        m_windowBytes = 0;
        m_window.restart();
    }
    follow();
}

void ReadCoalescer::setRelaxed(bool relaxed)
{
    if (relaxed == m_relaxed)
        return;
    m_relaxed = relaxed;
    m_target = markFor(m_rateBytes, m_rateMs, coalesceMs());
    if (m_mark > 1) // coalescing already: at the new pace now (a subscriber is waiting)
        follow();
}

void ReadCoalescer::follow()
{
    // Only a change of more than a quarter is worth a system call.
    if (m_target == 1 ? m_mark != 1 : (m_mark == 1 || qAbs(m_target - m_mark) * 4 > m_mark))
        setMark(m_target);
}

void ReadCoalescer::tick()
{
    if (m_mark > 1 && m_sinceRead.elapsed() >= idleMs())
        setMark(1); // let the remainder through; the next read raises the mark again
}

void ReadCoalescer::setMark(qint64 bytes)
{
    m_mark = bytes;
#ifdef Q_OS_LINUX
    const int value = int(bytes);
    ::setsockopt(int(m_socket), SOL_SOCKET, SO_RCVLOWAT, &value, sizeof value);
#endif
}

} // namespace roomrec
