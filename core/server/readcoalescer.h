#pragma once

#include <QElapsedTimer>
#include <QtGlobal>

namespace roomrec {

// Makes a publishing connection wake the server about every kCoalesceMs instead of for every
// packet. A 2.5 Mbit/s publisher's packets arrive one by one, ~80 a second with its audio,
// and each arrival used to cost a poll wake-up, an ioctl and a read. Here the socket's receive
// low-water mark (SO_RCVLOWAT) is raised to what the connection brings in kCoalesceMs, so the
// kernel reports it readable only once that much is queued. What stays below the mark (the
// tail of a stream, a request sent between packets) is picked up by tick(), which drops the
// mark back to one byte when a connection has not been read for kTickMs: nothing waits longer
// than that. Slow connections (audio only, control only) are never coalesced.
// Latency only matters when someone watches: a publisher nobody subscribes to (one that only
// records) is read every kRelaxedCoalesceMs instead, which cuts the server's wake-ups, reads
// and event dispatch for it by more than half; its requests then wait up to that long too.
// Linux only; elsewhere every call does nothing.
class ReadCoalescer {
public:
    static constexpr int kCoalesceMs = 40;
    static constexpr int kRelaxedCoalesceMs = 100;
    static constexpr int kTickMs = 100;
    static constexpr qint64 kMinMarkBytes = 4 * 1024;   // below: not worth it
    static constexpr qint64 kMaxMarkBytes = 256 * 1024; // well under the socket's receive buffer

    explicit ReadCoalescer(qintptr socket) : m_socket(socket) { m_window.start(); m_sinceRead.start(); }

    // After every read of `bytes` from the socket.
    void onRead(qint64 bytes);
    // Once the connection has not been read for idleMs() (a timer restarted by every read,
    // so a steady publisher's connection never wakes the server for it).
    void tick();
    // No read for this long: the connection slowed down or stopped, let the rest through.
    int idleMs() const { return m_relaxed ? 2 * kRelaxedCoalesceMs : kTickMs; }
    int msUntilIdle() const { return int(qMax<qint64>(0, idleMs() - m_sinceRead.elapsed())); }
    // Whether nobody watches this connection's media live (see above); cheap when unchanged.
    void setRelaxed(bool relaxed);
    bool isRelaxed() const { return m_relaxed; }

    qint64 mark() const { return m_mark; } // bytes; 1 = off
    // The mark for a connection that brought `bytes` in `elapsedMs`, read every `coalesceMs`.
    static qint64 markFor(qint64 bytes, qint64 elapsedMs, int coalesceMs = kCoalesceMs);
    static constexpr qint64 kRateWindowMs = 500;

private:
    void setMark(qint64 bytes);
    void follow(); // moves the mark to the target if it is worth a system call
    int coalesceMs() const { return m_relaxed ? kRelaxedCoalesceMs : kCoalesceMs; }

    qintptr m_socket;
    QElapsedTimer m_window; // rate measurement
    qint64 m_windowBytes = 0;
    qint64 m_rateBytes = 0; // the last full window: bytes in m_rateMs
    qint64 m_rateMs = 0;
    bool m_relaxed = false;
    qint64 m_target = 1;    // the mark the measured rate asks for
    qint64 m_mark = 1;      // the mark set on the socket
    QElapsedTimer m_sinceRead;
};

} // namespace roomrec
