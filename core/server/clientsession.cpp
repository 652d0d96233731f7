#include "server/clientsession.h"

#include "common/logging.h"
#include "protocol/errorcode.h"
#include "protocol/frame.h"
#include "protocol/protocollimits.h"

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

ClientSession::ClientSession(quint64 id, QTcpSocket *socket, const SessionLimits &limits, QObject *parent)
    : QObject(parent), m_id(id), m_socket(socket), m_coalescer(socket->socketDescriptor()), m_limits(limits)
{
    m_socket->setParent(this);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // Qt reads at most this much ahead of us; beyond, the kernel's TCP window holds the
    // sender back (what makes pausing a publisher work, and bounds memory per connection).
    m_socket->setReadBufferSize(protocol::kMaxMediaPayload + 64 * 1024);
    connect(m_socket, &QTcpSocket::readyRead, this, &ClientSession::onReadyRead);
    // Queued: a write can fail inside a call into this session (a forwarded packet is flushed
    // at once, a reply may find the peer not reading), and Qt then reports the disconnect
    // from within that call; the server would drop this session from the relay while the
    // relay is still iterating over its subscribers.
    connect(m_socket, &QTcpSocket::disconnected, this, [this] { emit disconnected(this); }, Qt::QueuedConnection);
    connect(&m_aliveTimer, &QTimer::timeout, this, &ClientSession::checkAlive);
    // Single shot, restarted by every read: it fires only when a coalesced connection goes
    // quiet. (Ticking every 100 ms woke the server ten times a second per publisher, about as
    // often as its reads.)
    m_coalesceTimer.setSingleShot(true);
    connect(&m_coalesceTimer, &QTimer::timeout, this, [this] {
        m_coalescer.tick();
        if (m_coalescer.mark() > 1) // a coarse timer may fire a little early: wait the rest
            m_coalesceTimer.start(qMax(1, m_coalescer.msUntilIdle()));
    });
    m_sinceData.start();
    m_sinceConnected.start();
    m_aliveTimer.start(qBound(100, qMin(m_limits.deadPeerMs, m_limits.signInTimeoutMs) / 5, 1000));
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
    return QStringLiteral("%1:%2%3").arg(m_socket->peerAddress().toString()).arg(m_socket->peerPort())
        .arg(userId.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(userId));
}

void ClientSession::send(const ControlMessage &message)
{
    if (m_socket->state() != QAbstractSocket::ConnectedState || m_closing)
        return;
    if (dropIfNotReading())
        return;
    m_socket->write(Frame{FrameKind::Control, message.encode()}.encode());
}

void ClientSession::sendMedia(const QByteArray &framed)
{
    if (m_closing || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    m_socket->write(framed);
    // Written now rather than when the event loop next polls: a forwarded packet otherwise
    // cost the server a poll wake-up of its own per subscriber (the socket can take it at
    // once; what it cannot stays queued and goes out when it can).
    m_socket->flush();
}

void ClientSession::setSendBufferBytes(int bytes)
{
    m_socket->setSocketOption(QAbstractSocket::SendBufferSizeSocketOption, bytes);
}

void ClientSession::close()
{
    if (m_closing)
        return;
    m_closing = true;
    m_aliveTimer.stop();
    // Hand what is queued (e.g. recordingEnded at shutdown) to the OS now: the event loop
    // may not run again before the process exits.
    m_socket->flush();
    m_socket->disconnectFromHost();
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        emit disconnected(this);
}

void ClientSession::setReadingPaused(bool paused)
{
    if (m_readingPaused == paused)
        return;
    m_readingPaused = paused;
    m_sinceData.restart();
    if (!paused) // what arrived meanwhile waits in the socket's buffer
        QMetaObject::invokeMethod(this, &ClientSession::onReadyRead, Qt::QueuedConnection);
}

void ClientSession::checkAlive()
{
    if (m_closing)
        return;
    if (m_readingPaused) {
        m_sinceData.restart();
        return;
    }
    if (m_sinceData.elapsed() > m_limits.deadPeerMs) {
        qCInfo(lcServer).noquote() << "dropping silent peer" << peer();
        m_socket->abort();
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
    if (m_socket->bytesToWrite() <= m_limits.maxUnsentBytes)
        return false;
    qCWarning(lcServer).noquote() << "dropping" << peer() << ": it left" << m_socket->bytesToWrite() << "bytes unread";
    m_closing = true;
    m_aliveTimer.stop();
    m_socket->abort();
    return true;
}

void ClientSession::dropWithError(const Error &error)
{
    sendEvent(QStringLiteral("error"), {{QStringLiteral("code"), error.code}, {QStringLiteral("message"), error.message}});
    m_socket->flush();
    close();
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
    if (fatal && !m_closing) {
        m_socket->flush();
        close();
    }
}

void ClientSession::onReadyRead()
{
    if (m_closing || m_readingPaused)
        return;
    m_sinceData.restart();
    m_coalescer.onRead(m_socket->bytesAvailable());
    if (m_coalescer.mark() > 1)
        m_coalesceTimer.start(m_coalescer.idleMs());
    else if (m_coalesceTimer.isActive())
        m_coalesceTimer.stop();
    while (!m_closing) {
        auto next = m_decoder.read(*m_socket);
        if (!next) {
            protocolError(next.error(), true); // framing is lost: nothing after this can be trusted
            return;
        }
        if (!next.value())
            return;
        Frame &frame = *next.value();
        if (frame.kind == FrameKind::Control) {
            auto message = ControlMessage::decode(frame.payload);
            if (!message) {
                protocolError(message.error(), false);
                continue;
            }
            emit requestReceived(this, message.value());
        } else {
            auto packet = MediaPacket::decode(std::move(frame.payload));
            if (!packet) {
                protocolError(packet.error(), false);
                continue;
            }
            m_badFrames = 0;
            emit mediaReceived(this, packet.value());
            if (m_readingPaused)
                return; // the rest stays in the socket's buffer until resumed
        }
    }
}

} // namespace roomrec
