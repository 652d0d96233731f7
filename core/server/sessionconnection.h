#pragma once

#include "common/result.h"
#include "protocol/controlmessage.h"
#include "protocol/framedecoder.h"
#include "protocol/mediapacket.h"
#include "server/readcoalescer.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <variant>

class QSslSocket;
class QTcpSocket;

namespace roomrec {

// A frame the connection could not turn into a request or a packet. Fatal: the stream has
// lost its framing, nothing after it can be trusted and nothing more is read.
struct FramingFault {
    Error error;
    bool fatal = false;
};

// What a connection read, in the order it came.
using Incoming = std::variant<ControlMessage, MediaPacket, FramingFault>;

// The socket side of one protocol connection: reads and decodes frames, writes what the
// session sends. It may live on a network thread (NetworkThreads) while its ClientSession,
// with the rooms, stays on the server's thread: then the socket's system calls, buffering
// and frame decoding for many connections spread over the cores, and the server's thread
// only routes. Everything the session calls is safe from its thread: on the connection's own
// thread it acts at once (no extra cost when there is no network thread), from another it is
// queued to the connection's thread, writes through an outbox that is handed to the socket
// in one go. Neither side ever waits for the other.
class SessionConnection : public QObject {
    Q_OBJECT
public:
    // Takes the socket over (it becomes a child, and moves with this object).
    explicit SessionConnection(QTcpSocket *socket);

    // Once on its thread (after moveToThread, if any): from here on it reads.
    void start();

    // Thread-safe. `now`: hand it to the kernel at once (forwarded media) rather than when
    // the event loop next runs (replies, events).
    void write(const QByteArray &bytes, bool now);
    // Thread-safe: written or queued but not yet taken by the kernel.
    qint64 unsentBytes() const;
    // Thread-safe: since the peer last sent anything (ms), paused time not counted.
    qint64 msSinceData() const;
    // Thread-safe: whether the socket has gone (disconnected() was or will be emitted).
    bool isGone() const { return m_gone.load(std::memory_order_acquire); }
    // Thread-safe: the peer counts as having just sent something (reading resumes after a
    // pause; silence while held back is not the peer's).
    void touchData();
    // Thread-safe: the session has handled `bytes` of what received() brought. What it has
    // not handled yet is bounded (kMaxUndeliveredBytes): beyond, the socket is not read, so a
    // busy server thread makes TCP hold the peer back instead of queueing without end.
    void consumed(qint64 bytes);
    static constexpr qint64 kMaxUndeliveredBytes = 1024 * 1024;

    // Thread-safe, applied on the connection's thread.
    void setReadingPaused(bool paused);
    void setReadsRelaxed(bool relaxed);
    void setSendBufferBytes(int bytes);
    // What is written goes out, then the connection closes.
    void close();
    // At once, what is unsent is lost (a peer that does not read).
    void abort();

    // Fixed at accept time, so they can be read from any thread.
    QHostAddress peerAddress() const { return m_peerAddress; }
    quint16 peerPort() const { return m_peerPort; }

signals:
    // On the connection's thread; a session on another thread gets it queued. `bytes` is
    // what the batch took from the wire, to be handed back with consumed().
    void received(const QList<roomrec::Incoming> &batch, qint64 bytes);
    // Once, after the socket disconnected or was closed.
    void disconnected();

private:
    bool onOwnThread() const;
    void onReadyRead();
    void drainOutbox();
    void writeToSocket(const QByteArray &bytes, bool now);
    void noteUnsent();
    void onSocketGone();
    void abortLingeringClose();
    qint64 socketUnsent() const; // on the connection's thread
    static qint64 nowMs();

    QTcpSocket *m_socket;
    QSslSocket *m_tls; // the same socket when it speaks TLS, else null
    const QHostAddress m_peerAddress;
    const quint16 m_peerPort;
    FrameDecoder m_decoder;
    ReadCoalescer m_coalescer;
    QTimer m_coalesceTimer{this}; // runs while the coalescer holds reads back
    QTimer m_closeGrace{this};    // a closing peer that does not read is cut off when it fires
    bool m_started = false; // nothing is read before the session listens
    bool m_paused = false;
    bool m_failed = false;   // framing lost: nothing more is read
    bool m_closing = false;
    bool m_reported = false; // disconnected() emitted

    QMutex m_outboxLock;
    QList<QByteArray> m_outbox; // from other threads, not yet given to the socket
    std::atomic<qint64> m_outboxBytes{0};
    std::atomic<qint64> m_socketUnsent{0}; // the socket's bytesToWrite(), as last seen
    std::atomic<qint64> m_lastDataMs;
    std::atomic<bool> m_gone{false};
    std::atomic<qint64> m_undelivered{0};    // received() but not yet consumed()
    std::atomic<bool> m_waitingForSession{false}; // reading stopped on kMaxUndeliveredBytes
};

} // namespace roomrec
