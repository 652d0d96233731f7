#include "server/clientsession.h"

#include "common/logging.h"
#include "protocol/errorcode.h"
#include "protocol/frame.h"

namespace roomrec {

namespace {
// A client that keeps sending bad frames is cut off after this many errors in a row; only
// the first few are logged, so a flood cannot fill the log.
constexpr int kMaxBadFrames = 50;
constexpr int kLoggedBadFrames = 5;
} // namespace

ClientSession::ClientSession(quint64 id, QTcpSocket *socket, int deadPeerMs, QObject *parent)
    : QObject(parent), m_id(id), m_socket(socket), m_deadPeerMs(deadPeerMs)
{
    m_socket->setParent(this);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(m_socket, &QTcpSocket::readyRead, this, &ClientSession::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, [this] { emit disconnected(this); });
    connect(&m_aliveTimer, &QTimer::timeout, this, &ClientSession::checkAlive);
    m_sinceData.start();
    m_aliveTimer.start(qBound(100, m_deadPeerMs / 5, 1000));
}

QString ClientSession::peer() const
{
    return QStringLiteral("%1:%2%3").arg(m_socket->peerAddress().toString()).arg(m_socket->peerPort())
        .arg(userId.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(userId));
}

void ClientSession::send(const ControlMessage &message)
{
    if (m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    m_socket->write(Frame{FrameKind::Control, message.encode()}.encode());
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

void ClientSession::checkAlive()
{
    if (m_sinceData.elapsed() > m_deadPeerMs) {
        qCInfo(lcServer).noquote() << "dropping silent peer" << peer();
        m_socket->abort();
    }
}

void ClientSession::protocolError(const Error &error, bool fatal)
{
    ++m_badFrames;
    if (m_badFrames <= kLoggedBadFrames || fatal)
        qCWarning(lcServer).noquote() << "protocol error from" << peer() << ":" << error.toString();
    if (m_badFrames > kMaxBadFrames)
        fatal = true;
    sendEvent(QStringLiteral("error"), {{QStringLiteral("code"), error.code}, {QStringLiteral("message"), error.message}});
    if (fatal) {
        m_socket->flush();
        close();
    }
}

void ClientSession::onReadyRead()
{
    if (m_closing)
        return;
    m_sinceData.restart();
    m_decoder.feed(m_socket->readAll());
    while (!m_closing) {
        auto next = m_decoder.next();
        if (!next) {
            protocolError(next.error(), true); // framing is lost: nothing after this can be trusted
            return;
        }
        if (!next.value())
            return;
        const Frame &frame = *next.value();
        if (frame.kind == FrameKind::Control) {
            auto message = ControlMessage::decode(frame.payload);
            if (!message) {
                protocolError(message.error(), false);
                continue;
            }
            m_badFrames = 0;
            emit requestReceived(this, message.value());
        } else {
            auto packet = MediaPacket::decode(frame.payload);
            if (!packet) {
                protocolError(packet.error(), false);
                continue;
            }
            m_badFrames = 0;
            emit mediaReceived(this, packet.value());
        }
    }
}

} // namespace roomrec
