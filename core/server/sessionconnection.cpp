#include "server/sessionconnection.h"

#include "protocol/protocollimits.h"

#include <QMetaObject>
#include <QSslSocket>
#include <QTcpSocket>
#include <QThread>

#include <chrono>

namespace roomrec {

namespace {
// How long a closed connection may take to hand its last bytes to a peer that does not read.
constexpr int kCloseGraceMs = 5000;
} // namespace

SessionConnection::SessionConnection(QTcpSocket *socket)
    : m_socket(socket), m_tls(qobject_cast<QSslSocket *>(socket)), m_peerAddress(socket->peerAddress()), m_peerPort(socket->peerPort()),
      m_coalescer(socket->socketDescriptor()), m_lastDataMs(nowMs())
{
    m_socket->setParent(this);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // Qt reads at most this much ahead of us; beyond, the kernel's TCP window holds the
    // sender back (what makes pausing a publisher work, and bounds memory per connection).
    m_socket->setReadBufferSize(protocol::kMaxMediaPayload + 64 * 1024);
    connect(m_socket, &QTcpSocket::readyRead, this, &SessionConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &SessionConnection::noteUnsent);
    if (m_tls) // its bytesToWrite() is only what is not encrypted yet
        connect(m_tls, &QSslSocket::encryptedBytesWritten, this, &SessionConnection::noteUnsent);
    connect(m_socket, &QTcpSocket::disconnected, this, &SessionConnection::onSocketGone);
    // Single shot, restarted by every read: it fires only when a coalesced connection goes
    // quiet. (Ticking every 100 ms woke the server ten times a second per publisher, about as
    // often as its reads.)
    m_coalesceTimer.setSingleShot(true);
    connect(&m_coalesceTimer, &QTimer::timeout, this, [this] {
        m_coalescer.tick();
        if (m_coalescer.mark() > 1) // a coarse timer may fire a little early: wait the rest
            m_coalesceTimer.start(qMax(1, m_coalescer.msUntilIdle()));
    });
    m_closeGrace.setSingleShot(true);
    m_closeGrace.setInterval(kCloseGraceMs);
    connect(&m_closeGrace, &QTimer::timeout, this, &SessionConnection::abortLingeringClose);
}

qint64 SessionConnection::nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

bool SessionConnection::onOwnThread() const
{
    return thread() == QThread::currentThread();
}

void SessionConnection::start()
{
    if (!onOwnThread()) {
        QMetaObject::invokeMethod(this, &SessionConnection::start, Qt::QueuedConnection);
        return;
    }
    m_started = true;
    if (m_socket->state() != QAbstractSocket::ConnectedState) {
        onSocketGone();
        return;
    }
    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
}

void SessionConnection::touchData() // thread-safe
{
    m_lastDataMs.store(nowMs(), std::memory_order_relaxed);
}

qint64 SessionConnection::msSinceData() const
{
    return nowMs() - m_lastDataMs.load(std::memory_order_relaxed);
}

qint64 SessionConnection::socketUnsent() const
{
    return m_socket->bytesToWrite() + (m_tls ? m_tls->encryptedBytesToWrite() : 0);
}

qint64 SessionConnection::unsentBytes() const
{
    if (onOwnThread())
        return socketUnsent();
    // The outbox first: a drain counts its bytes as the socket's before it takes them out of
    // the outbox, so read in this order the sum never misses a batch in between.
    const qint64 outbox = m_outboxBytes.load(std::memory_order_acquire);
    return outbox + m_socketUnsent.load(std::memory_order_acquire);
}

void SessionConnection::write(const QByteArray &bytes, bool now)
{
    if (onOwnThread()) {
        writeToSocket(bytes, now);
        return;
    }
    if (isGone())
        return;
    bool wasEmpty = false;
    {
        QMutexLocker lock(&m_outboxLock);
        wasEmpty = m_outbox.isEmpty();
        m_outbox.append(bytes);
    }
    m_outboxBytes.fetch_add(bytes.size(), std::memory_order_release);
    // One wake-up of the connection's thread per batch, however many packets join it meanwhile.
    if (wasEmpty)
        QMetaObject::invokeMethod(this, &SessionConnection::drainOutbox, Qt::QueuedConnection);
}

void SessionConnection::drainOutbox()
{
    QList<QByteArray> batch;
    {
        QMutexLocker lock(&m_outboxLock);
        batch.swap(m_outbox);
    }
    qint64 bytes = 0;
    for (const QByteArray &b : std::as_const(batch)) {
        bytes += b.size();
        if (!m_closing && m_socket->state() == QAbstractSocket::ConnectedState)
            m_socket->write(b);
    }
    if (!m_closing && m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->flush();
    // Counted as the socket's before it leaves the outbox, so unsentBytes() never dips below
    // the truth in between (a session deciding whether to drop must not see a hole).
    noteUnsent();
    m_outboxBytes.fetch_sub(bytes, std::memory_order_release);
}

void SessionConnection::writeToSocket(const QByteArray &bytes, bool now)
{
    if (m_closing || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    m_socket->write(bytes);
    // Written now rather than when the event loop next polls: a forwarded packet otherwise
    // cost the server a poll wake-up of its own per subscriber (the socket can take it at
    // once; what it cannot stays queued and goes out when it can).
    if (now)
        m_socket->flush();
    noteUnsent();
}

void SessionConnection::noteUnsent()
{
    m_socketUnsent.store(socketUnsent(), std::memory_order_release);
}

void SessionConnection::setReadingPaused(bool paused)
{
    touchData(); // silence while held back is not the peer's
    if (!onOwnThread()) {
        QMetaObject::invokeMethod(this, [this, paused] { setReadingPaused(paused); }, Qt::QueuedConnection);
        return;
    }
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (!paused) // what arrived meanwhile waits in the socket's buffer
        QMetaObject::invokeMethod(this, &SessionConnection::onReadyRead, Qt::QueuedConnection);
}

void SessionConnection::setReadsRelaxed(bool relaxed)
{
    if (!onOwnThread()) {
        QMetaObject::invokeMethod(this, [this, relaxed] { setReadsRelaxed(relaxed); }, Qt::QueuedConnection);
        return;
    }
    m_coalescer.setRelaxed(relaxed);
}

void SessionConnection::setSendBufferBytes(int bytes)
{
    if (!onOwnThread()) {
        QMetaObject::invokeMethod(this, [this, bytes] { setSendBufferBytes(bytes); }, Qt::QueuedConnection);
        return;
    }
    m_socket->setSocketOption(QAbstractSocket::SendBufferSizeSocketOption, bytes);
}

void SessionConnection::close()
{
    if (!onOwnThread()) {
        // Queued behind the writes already in the outbox, which go out first.
        QMetaObject::invokeMethod(this, &SessionConnection::close, Qt::QueuedConnection);
        return;
    }
    drainOutbox();
    if (m_closing)
        return;
    m_closing = true;
    m_coalesceTimer.stop();
    // Hand what is queued (e.g. recordingEnded at shutdown) to the OS now: the event loop
    // may not run again before the process exits.
    m_socket->flush();
    m_socket->disconnectFromHost();
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        onSocketGone();
    else // a peer that does not read would keep it closing, and its session, for ever
        m_closeGrace.start();
}

void SessionConnection::abortLingeringClose()
{
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        return;
    m_socket->abort();
    onSocketGone();
}

void SessionConnection::abort()
{
    if (!onOwnThread()) {
        m_gone.store(true, std::memory_order_release); // nothing more is worth queueing
        QMetaObject::invokeMethod(this, &SessionConnection::abort, Qt::QueuedConnection);
        return;
    }
    m_closing = true;
    m_coalesceTimer.stop();
    m_closeGrace.stop();
    m_socket->abort();
    onSocketGone();
}

void SessionConnection::onSocketGone()
{
    m_closeGrace.stop();
    if (!m_started) {
        // Nobody may be listening yet (the session is made after the move to this thread):
        // start() reports it.
        m_closing = true;
        m_gone.store(true, std::memory_order_release);
        return;
    }
    m_closing = true;
    const bool wasReported = m_reported;
    m_reported = true;
    m_gone.store(true, std::memory_order_release);
    if (!wasReported)
        emit disconnected();
}

void SessionConnection::consumed(qint64 bytes)
{
    const qint64 left = m_undelivered.fetch_sub(bytes, std::memory_order_acq_rel) - bytes;
    if (left <= kMaxUndeliveredBytes && m_waitingForSession.exchange(false, std::memory_order_acq_rel))
        QMetaObject::invokeMethod(this, &SessionConnection::onReadyRead, Qt::QueuedConnection);
}

void SessionConnection::onReadyRead()
{
    if (!m_started || m_closing || m_paused || m_failed)
        return;
    if (m_undelivered.load(std::memory_order_acquire) > kMaxUndeliveredBytes) {
        // The session is behind: what arrives waits in the socket (and TCP holds the peer
        // back) until consumed() brings it down.
        m_waitingForSession.store(true, std::memory_order_release);
        if (m_undelivered.load(std::memory_order_acquire) > kMaxUndeliveredBytes)
            return;
        m_waitingForSession.store(false, std::memory_order_release); // caught up meanwhile
    }
    touchData();
    m_coalescer.onRead(m_socket->bytesAvailable());
    if (m_coalescer.mark() > 1)
        m_coalesceTimer.start(m_coalescer.idleMs());
    else if (m_coalesceTimer.isActive())
        m_coalesceTimer.stop();
    QList<Incoming> batch;
    const qint64 before = m_socket->bytesAvailable();
    for (;;) {
        auto next = m_decoder.read(*m_socket);
        if (!next) {
            m_failed = true; // framing is lost: nothing after this can be trusted
            batch.append(FramingFault{next.error(), true});
            break;
        }
        if (!next.value())
            break;
        Frame &frame = *next.value();
        if (frame.kind == FrameKind::Control) {
            auto message = ControlMessage::decode(frame.payload);
            if (message)
                batch.append(std::move(message.value()));
            else
                batch.append(FramingFault{message.error(), false});
        } else {
            auto packet = MediaPacket::decode(std::move(frame.payload));
            if (packet)
                batch.append(std::move(packet.value()));
            else
                batch.append(FramingFault{packet.error(), false});
        }
    }
    if (batch.isEmpty())
        return;
    // What the frames took from the socket's buffer (a frame's start may have come earlier).
    const qint64 bytes = qMax<qint64>(1, before - m_socket->bytesAvailable());
    m_undelivered.fetch_add(bytes, std::memory_order_acq_rel);
    emit received(batch, bytes);
}

} // namespace roomrec
