#pragma once

#include "common/result.h"

#include <QSslCertificate>
#include <QSslKey>
#include <QTcpServer>

namespace roomrec {

// A QTcpServer that, once given a certificate and key, wraps every connection in TLS
// (QSslSocket, TLS 1.2 or later) before handing it out; without them it is plain TCP.
class TlsTcpServer : public QTcpServer {
    Q_OBJECT
public:
    using QTcpServer::QTcpServer;

    Status loadCertificate(const QString &certificateFile, const QString &keyFile);
    bool isTls() const { return !m_certificate.isNull(); }

protected:
    void incomingConnection(qintptr handle) override;
    // The socket for an accepted descriptor: TLS (handshake started) or plain; null on failure.
    QTcpSocket *createSocket(qintptr handle);

private:
    QSslCertificate m_certificate;
    QSslKey m_key;
};

} // namespace roomrec
