#pragma once

#include "server/httplimits.h"
#include "server/tlstcpserver.h"

#include <QPointer>

#include <algorithm>
#include <QTimer>

namespace roomrec {

class HttpRequestGuard;

// The HTTP API's listening socket: TLS when given a certificate, a cap on open connections,
// and an HttpRequestGuard on each connection (size limits and timeouts) before QHttpServer
// (bound to it with QAbstractHttpServer::bind) sees a byte.
class HttpListener : public TlsTcpServer {
    Q_OBJECT
public:
    explicit HttpListener(HttpLimits limits, QObject *parent = nullptr);
    int openConnections() const
    {
        return int(std::count_if(m_guards.begin(), m_guards.end(), [](const auto &g) { return !g.isNull(); }));
    }

protected:
    void incomingConnection(qintptr handle) override;

private:
    void sweep();

    HttpLimits m_limits;
    QList<QPointer<HttpRequestGuard>> m_guards;
    QTimer m_sweep{this};
};

} // namespace roomrec
