#include "rawpeer.h"

#include "protocol/frame.h"

#include <QElapsedTimer>
#include <QTest>

using namespace roomrec;

bool RawPeer::connect(quint16 port)
{
    m_socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, 3000);
}

void RawPeer::send(const ControlMessage &m)
{
    sendRaw(Frame{FrameKind::Control, m.encode()}.encode());
}

void RawPeer::sendRaw(const QByteArray &bytes)
{
    m_socket.write(bytes);
    m_socket.flush();
}

std::optional<ControlMessage> RawPeer::receive(int timeoutMs)
{
    std::optional<ControlMessage> message;
    bool ended = false;
    // Frames that do not decode as control messages are skipped; a framing error or a closed
    // connection ends the wait.
    (void)QTest::qWaitFor([&] { // the caller checks what arrived
        m_decoder.feed(m_socket.readAll());
        while (true) {
            auto next = m_decoder.next();
            if (!next.ok() || !next.value()) {
                ended = !next.ok() || m_socket.state() != QAbstractSocket::ConnectedState;
                return ended;
            }
            if (auto m = ControlMessage::decode(next.value()->payload); m.ok()) {
                message = m.value();
                return true;
            }
        }
    }, timeoutMs);
    return message;
}

std::optional<ControlMessage> RawPeer::receiveType(const QString &type, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        auto m = receive(int(qMax<qint64>(1, timeoutMs - t.elapsed())));
        if (!m)
            return std::nullopt;
        if (m->type() == type)
            return m;
    }
    return std::nullopt;
}

bool RawPeer::waitForDisconnect(int timeoutMs)
{
    return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, timeoutMs);
}
