#pragma once

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSet>
#include <QTcpServer>

class QTcpSocket;

// Test support: a TCP proxy on loopback between a client and a server (real sockets, in the
// test's event loop), to lose connections on purpose. cut() drops every connection through
// it at once, as a network that fails would; refuseNew holds new connections off for a
// while (the client must retry) until it is set back.
class TestProxy : public QObject {
    Q_OBJECT
public:
    explicit TestProxy(quint16 targetPort, QObject *parent = nullptr);
    ~TestProxy() override;

    bool listen();
    quint16 port() const { return m_server.serverPort(); }
    void cut();
    // The network goes silent without closing anything (a half-open connection): what is
    // through the proxy now is no longer forwarded either way; new connections are.
    void stall();
    void setRefusingNew(bool refusing) { m_refusing = refusing; }
    int connectionsAccepted() const { return m_accepted; }
    int connectionsRefused() const { return m_refused; }
    int openConnections() const { return int(m_pairs.size()); }
    qint64 bytesToServer() const { return m_bytesToServer; }

private:
    struct Pair {
        QTcpSocket *client;
        QTcpSocket *server;
    };
    void onNewConnection();
    void forward(QTcpSocket *from, QTcpSocket *to, bool toServer);
    void close(Pair pair);

    quint16 m_targetPort;
    QTcpServer m_server;
    QList<Pair> m_pairs;
    QSet<QTcpSocket *> m_stalled;
    bool m_refusing = false;
    int m_accepted = 0;
    int m_refused = 0;
    qint64 m_bytesToServer = 0;
};
