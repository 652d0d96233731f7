#include "rawpeer.h"

#include "protocol/frame.h"

#include <QElapsedTimer>
#include <QTest>

using namespace roomrec;

bool RawPeer::connect(quint16 port)
{
    m_socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    QElapsedTimer t;
    t.start();
    while (m_socket.state() != QAbstractSocket::ConnectedState && t.elapsed() < 3000)
        QTest::qWait(10);
    return m_socket.state() == QAbstractSocket::ConnectedState;
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
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        m_decoder.feed(m_socket.readAll());
        auto next = m_decoder.next();
        if (!next.ok())
            return std::nullopt;
        if (next.value()) {
            auto m = ControlMessage::decode(next.value()->payload);
            if (m.ok())
                return m.value();
            continue;
        }
        if (m_socket.state() != QAbstractSocket::ConnectedState)
            return std::nullopt;
        QTest::qWait(10);
    }
    return std::nullopt;
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
    QElapsedTimer t;
    t.start();
    while (m_socket.state() != QAbstractSocket::UnconnectedState && t.elapsed() < timeoutMs)
        QTest::qWait(10);
    return m_socket.state() == QAbstractSocket::UnconnectedState;
}
