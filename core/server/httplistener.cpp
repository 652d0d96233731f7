#include "server/httplistener.h"

#include "common/logging.h"
#include "server/httprequestguard.h"

#include <QTcpSocket>

namespace roomrec {

HttpListener::HttpListener(HttpLimits limits, QObject *parent) : TlsTcpServer(parent), m_limits(limits)
{
    // One timer for all connections, not one per connection: thousands stay cheap.
    connect(&m_sweep, &QTimer::timeout, this, &HttpListener::sweep);
    m_sweep.start(qBound(50, qMin(m_limits.requestTimeoutMs, m_limits.idleTimeoutMs) / 4, 1000));
}

void HttpListener::incomingConnection(qintptr handle)
{
    m_guards.removeIf([](const QPointer<HttpRequestGuard> &g) { return g.isNull(); });
    QTcpSocket *socket = createSocket(handle);
    if (!socket)
        return;
    if (m_guards.size() >= m_limits.maxConnections) {
        qCInfo(lcServer) << "HTTP: connection cap" << m_limits.maxConnections << "reached, refusing" << socket->peerAddress().toString();
        if (!isTls()) // over TLS there is no way to answer before a handshake: just close
            socket->write("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        socket->disconnectFromHost();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        if (socket->state() == QAbstractSocket::UnconnectedState)
            socket->deleteLater();
        return;
    }
    auto *guard = new HttpRequestGuard(socket, m_limits);
    m_guards << guard;
    // QHttpServer takes the socket and connects to it inside this call (Qt 6.4:
    // pendingConnectionAvailable), so the guard's "after" slot comes after QHttpServer's.
    addPendingConnection(socket);
    guard->afterOthersConnected();
}

void HttpListener::sweep()
{
    m_guards.removeIf([](const QPointer<HttpRequestGuard> &g) { return g.isNull(); });
    const auto guards = m_guards;
    for (const QPointer<HttpRequestGuard> &guard : guards) {
        if (guard)
            guard->check();
    }
}

} // namespace roomrec
