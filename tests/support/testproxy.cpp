#include "testproxy.h"

#include <QTcpSocket>

TestProxy::TestProxy(quint16 targetPort, QObject *parent) : QObject(parent), m_targetPort(targetPort)
{
    connect(&m_server, &QTcpServer::newConnection, this, &TestProxy::onNewConnection);
}

TestProxy::~TestProxy()
{
    cut();
}

bool TestProxy::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

void TestProxy::onNewConnection()
{
    while (QTcpSocket *client = m_server.nextPendingConnection()) {
        if (m_refusing) {
            ++m_refused;
            client->abort();
            client->deleteLater();
            continue;
        }
        ++m_accepted;
        auto *server = new QTcpSocket(this);
        client->setParent(this);
        const Pair pair{client, server};
        m_pairs << pair;
        // Bytes from the client wait in its socket until the server side is connected.
        connect(server, &QTcpSocket::connected, this, [this, client, server] { forward(client, server, true); });
        connect(client, &QTcpSocket::readyRead, this, [this, client, server] { forward(client, server, true); });
        connect(server, &QTcpSocket::readyRead, this, [this, client, server] { forward(server, client, false); });
        // A stalled pair passes nothing on, not even a close: its other end never learns.
        auto closeUnlessStalled = [this, pair] {
            if (!m_stalled.contains(pair.client))
                close(pair);
        };
        for (QTcpSocket *end : {client, server}) {
            connect(end, &QTcpSocket::disconnected, this, closeUnlessStalled);
            connect(end, &QTcpSocket::errorOccurred, this, closeUnlessStalled);
        }
        server->connectToHost(QHostAddress::LocalHost, m_targetPort);
    }
}

void TestProxy::forward(QTcpSocket *from, QTcpSocket *to, bool toServer)
{
    if (to->state() != QAbstractSocket::ConnectedState || m_stalled.contains(from))
        return;
    const QByteArray bytes = from->readAll();
    if (toServer)
        m_bytesToServer += bytes.size();
    to->write(bytes);
}

void TestProxy::close(Pair pair)
{
    const qsizetype index = std::find_if(m_pairs.begin(), m_pairs.end(), [&pair](const Pair &p) {
        return p.client == pair.client;
    }) - m_pairs.begin();
    if (index >= m_pairs.size())
        return; // already closed
    m_pairs.removeAt(index);
    m_stalled.remove(pair.client);
    m_stalled.remove(pair.server);
    for (QTcpSocket *end : {pair.client, pair.server}) {
        end->disconnect(this);
        end->abort(); // both ends see the connection go at once; nothing buffered is delivered
        end->deleteLater();
    }
}

void TestProxy::stall()
{
    for (const Pair &pair : std::as_const(m_pairs)) {
        m_stalled.insert(pair.client);
        m_stalled.insert(pair.server);
    }
}

void TestProxy::cut()
{
    const QList<Pair> pairs = m_pairs;
    for (const Pair &pair : pairs)
        close(pair);
}
