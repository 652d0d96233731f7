#include "server/tlstcpserver.h"

#include "common/logging.h"
#include "protocol/errorcode.h"

#include <QFile>
#include <QSslSocket>

namespace roomrec {

Status TlsTcpServer::loadCertificate(const QString &certificateFile, const QString &keyFile)
{
    if (!QSslSocket::supportsSsl())
        return makeError(ErrorCode::ConnectionFailed, QStringLiteral("this Qt has no TLS backend"));
    const auto certificates = QSslCertificate::fromPath(certificateFile, QSsl::Pem);
    if (certificates.isEmpty())
        return makeError(ErrorCode::ConnectionFailed, QStringLiteral("no PEM certificate in %1").arg(certificateFile));
    QFile keyData(keyFile);
    if (!keyData.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::ConnectionFailed, QStringLiteral("%1: %2").arg(keyFile, keyData.errorString()));
    const QByteArray pem = keyData.readAll();
    QSslKey key(pem, QSsl::Rsa, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(pem, QSsl::Ec, QSsl::Pem);
    if (key.isNull())
        return makeError(ErrorCode::ConnectionFailed, QStringLiteral("no RSA or EC private key in %1").arg(keyFile));
    m_certificate = certificates.first();
    m_key = key;
    return success();
}

void TlsTcpServer::incomingConnection(qintptr handle)
{
    if (QTcpSocket *socket = createSocket(handle))
        addPendingConnection(socket);
}

QTcpSocket *TlsTcpServer::createSocket(qintptr handle)
{
    if (!isTls()) {
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(handle)) {
            delete socket;
            return nullptr;
        }
        return socket;
    }
    auto *socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
        return nullptr;
    }
    socket->setLocalCertificate(m_certificate);
    socket->setPrivateKey(m_key);
    socket->setProtocol(QSsl::TlsV1_2OrLater);
    connect(socket, &QSslSocket::sslErrors, socket, [socket](const QList<QSslError> &errors) {
        qCInfo(lcServer) << "TLS handshake with" << socket->peerAddress() << "failed:" << errors.value(0).errorString();
    });
    socket->startServerEncryption();
    return socket;
}

} // namespace roomrec
