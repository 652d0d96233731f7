#include "server/clientsession.h"

#include "common/logging.h"
#include "protocol/errorcode.h"
#include "protocol/frame.h"

#include <QThread>

#include <utility>

namespace roomrec {

namespace {
// Only the first few bad frames are logged, so a flood cannot fill the log.
constexpr int kLoggedBadFrames = 5;

// A request the client got wrong in shape (framing, fields, IDs, parameters), as opposed to
// one refused for the state it came in (not signed in, not in the room) or by the rules.
bool isMalformedRequest(int code)
{
    switch (ErrorCode(code)) {
    case ErrorCode::HelloRequired:
    case ErrorCode::NotSignedIn:
    case ErrorCode::NotInRoom:
        return false;
    default:
        break;
    }
    return (code >= int(ErrorCode::MalformedFrame) && code <= int(ErrorCode::InvalidUserId))
           || (code >= int(ErrorCode::InvalidFileName) && code <= int(ErrorCode::InvalidStreamParams));
}
} // namespace

ClientSession::ClientSession(quint64 id, SessionConnection *connection, const SessionLimits &limits, QObject *parent)
    : QObject(parent), m_id(id), m_connection(connection), m_limits(limits)
{
    // Queued even on one thread: a write can fail inside a call into this session (a
    // forwarded packet is flushed at once, a reply may find the peer not reading), and the
    // socket then reports the disconnect from within that call; the server would drop this
    // session from the relay while the relay is still iterating over its subscribers.
    connect(m_connection, &SessionConnection::disconnected, this, [this] { emit disconnected(this); }, Qt::QueuedConnection);
    // Direct when the connection is on this thread, queued from a network thread.
    connect(m_connection, &SessionConnection::received, this, &ClientSession::onReceived);
    connect(&m_aliveTimer, &QTimer::timeout, this, &ClientSession::checkAlive);
    m_sinceConnected.start();
    m_aliveTimer.start(qBound(100, qMin(m_limits.deadPeerMs, m_limits.signInTimeoutMs) / 5, 1000));
    m_connection->start();
}

ClientSession::~ClientSession()
{
    m_connection->disconnect(this);
    // On its own thread: a connection on a network thread may be in the middle of a read.
    if (m_connection->thread() == QThread::currentThread())
        delete m_connection;
    else
        m_connection->deleteLater();
}

void ClientSession::reply(quint64 id, const QCborValue &value)
{
    m_badFrames = 0;
    send(ControlMessage::success(id, value));
}

void ClientSession::replyError(quint64 id, const Error &error)
{
    send(ControlMessage::failure(id, error));
    if (isMalformedRequest(error.code))
        countBadMessage(error, false);
}

QString ClientSession::peer() const
{
    return QStringLiteral("%1:%2%3").arg(m_connection->peerAddress().toString()).arg(m_connection->peerPort())
        .arg(userId.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(userId));
}

void ClientSession::send(const ControlMessage &message)
{
    if (m_closing || m_connection->isGone())
        return;
    if (dropIfNotReading())
        return;
    m_connection->write(Frame{FrameKind::Control, message.encode()}.encode(), false);
}

void ClientSession::sendMedia(const QByteArray &framed)
{
    if (m_closing || m_connection->isGone())
        return;
    m_connection->write(framed, true);
}

void ClientSession::setSendBufferBytes(int bytes)
{
    m_connection->setSendBufferBytes(bytes);
}

void ClientSession::setReadsRelaxed(bool relaxed)
{
    // Asked per packet: only a change is worth telling a connection on another thread.
    if (relaxed == m_relaxed)
        return;
    m_relaxed = relaxed;
    m_connection->setReadsRelaxed(relaxed);
}

void ClientSession::close()
{
    if (m_closing)
        return;
    m_closing = true;
    m_aliveTimer.stop();
    m_connection->close(); // reported through disconnected(), once the socket is gone
}

void ClientSession::setReadingPaused(bool paused)
{
    if (m_readingPaused == paused)
        return;
    m_readingPaused = paused;
    // Now, not when the connection's thread gets to it: silence while held back is not the
    // peer's, and the alive check may run before resumeHeld().
    m_connection->touchData();
    if (paused)
        m_connection->setReadingPaused(true);
    else // first what was read before the pause, then the socket again
        QMetaObject::invokeMethod(this, &ClientSession::resumeHeld, Qt::QueuedConnection);
}

void ClientSession::resumeHeld()
{
    if (m_readingPaused || m_closing)
        return;
    m_connection->touchData();
    deliver();
    if (!m_readingPaused)
        m_connection->setReadingPaused(false);
}

void ClientSession::checkAlive()
{
    if (m_closing)
        return;
    if (m_readingPaused) // silence while held back is not the peer's (the connection agrees)
        return;
    if (m_connection->msSinceData() > m_limits.deadPeerMs) {
        qCInfo(lcServer).noquote() << "dropping silent peer" << peer();
        m_closing = true;
        m_aliveTimer.stop();
        m_connection->abort();
        return;
    }
    // Connections that never sign in would otherwise hold a slot (and memory) for ever.
    if (userId.isEmpty() && m_sinceConnected.elapsed() > m_limits.signInTimeoutMs) {
        qCInfo(lcServer).noquote() << "dropping" << peer() << ": no sign-in within" << m_limits.signInTimeoutMs << "ms";
        dropWithError(makeError(ErrorCode::SignInTimeout, QStringLiteral("%1 ms").arg(m_limits.signInTimeoutMs)));
        return;
    }
    dropIfNotReading();
}

bool ClientSession::dropIfNotReading()
{
    // A client that never reads would make us buffer its replies and events without end.
    const qint64 unsent = m_connection->unsentBytes();
    if (unsent <= m_limits.maxUnsentBytes)
        return false;
    qCWarning(lcServer).noquote() << "dropping" << peer() << ": it left" << unsent << "bytes unread";
    m_closing = true;
    m_aliveTimer.stop();
    m_connection->abort();
    return true;
}

void ClientSession::dropWithError(const Error &error)
{
    sendEvent(QStringLiteral("error"), {{QStringLiteral("code"), error.code}, {QStringLiteral("message"), error.message}});
    close(); // the error goes out first
}

void ClientSession::protocolError(const Error &error, bool fatal)
{
    if (m_badFrames < kLoggedBadFrames || fatal)
        qCWarning(lcServer).noquote() << "protocol error from" << peer() << ":" << error.toString();
    sendEvent(QStringLiteral("error"), {{QStringLiteral("code"), error.code}, {QStringLiteral("message"), error.message}});
    countBadMessage(error, fatal);
}

void ClientSession::countBadMessage(const Error &error, bool fatal)
{
    ++m_badFrames;
    ++m_badTotal;
    if (m_badFrames > m_limits.maxBadMessagesInARow || m_badTotal > m_limits.maxBadMessages) {
        qCWarning(lcServer).noquote() << "dropping" << peer() << "after" << m_badTotal << "bad messages, the last:" << error.toString();
        fatal = true;
    }
    if (fatal && !m_closing)
        close(); // what was sent goes out first
}

void ClientSession::onReceived(const QList<Incoming> &batch, qint64 bytes)
{
    if (m_closing) {
        m_connection->consumed(bytes);
        return;
    }
    m_heldBytes += bytes;
    if (m_nextHeld < m_held.size()) { // paused meanwhile: after what is already held
        m_held.append(batch);
        return;
    }
    m_held = batch;
    m_nextHeld = 0;
    if (!m_readingPaused)
        deliver();
}

void ClientSession::deliver()
{
    while (m_nextHeld < m_held.size() && !m_closing && !m_readingPaused) {
        const Incoming &item = m_held.at(m_nextHeld++);
        if (const auto *fault = std::get_if<FramingFault>(&item)) {
            protocolError(fault->error, fault->fatal);
        } else if (const auto *message = std::get_if<ControlMessage>(&item)) {
            emit requestReceived(this, *message);
        } else {
            m_badFrames = 0;
            emit mediaReceived(this, std::get<MediaPacket>(item));
        }
    }
    if (m_nextHeld >= m_held.size() || m_closing) {
        m_held.clear();
        m_nextHeld = 0;
        m_connection->consumed(std::exchange(m_heldBytes, 0));
    }
}

} // namespace roomrec
