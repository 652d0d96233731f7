#include "server/httprequestguard.h"

#include "common/logging.h"
#include "protocol/errorcode.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

namespace roomrec {

namespace {

// The value of one header in a raw request head, or empty.
QByteArray headerValue(const QByteArray &head, const QByteArray &lowerName)
{
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == lowerName)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}
} // namespace

HttpRequestGuard::HttpRequestGuard(QTcpSocket *socket, const HttpLimits &limits)
    : QObject(socket), m_socket(socket), m_limits(limits)
{
    connect(socket, &QTcpSocket::readyRead, this, &HttpRequestGuard::beforeRead);
    // A response going out is activity: a slow but reading client is not idle.
    connect(socket, &QTcpSocket::bytesWritten, this, [this] { m_idleTimer.restart(); });
    m_idleTimer.start();
}

void HttpRequestGuard::afterOthersConnected()
{
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpRequestGuard::afterRead);
}

void HttpRequestGuard::beforeRead()
{
    if (m_rejected)
        return;
    // Only the bytes that arrived since QHttpServer's last pass are new; it may have left a
    // partial line unread, which we have seen already.
    const qint64 available = m_socket->bytesAvailable();
    const qint64 fresh = available - m_leftover;
    if (fresh <= 0)
        return;
    const QByteArray all = m_socket->peek(available);
    feed(all.constData() + (all.size() - fresh), fresh);
}

void HttpRequestGuard::afterRead()
{
    m_leftover = m_socket->bytesAvailable();
}

void HttpRequestGuard::feed(const char *data, qsizetype size)
{
    qsizetype i = 0;
    while (i < size && !m_rejected) {
        switch (m_state) {
        case State::Idle:
            m_state = State::Head;
            m_head.clear();
            m_requestTimer.start();
            break;
        case State::Head: {
            // Copy up to the end of the head (or the limit), looking for the blank line.
            while (i < size) {
                m_head.append(data[i++]);
                if (m_head.endsWith("\r\n\r\n") || m_head.endsWith("\n\n")) {
                    endOfHead();
                    break;
                }
                if (m_head.size() > m_limits.maxHeaderBytes) {
                    reject("431 Request Header Fields Too Large",
                           makeError(ErrorCode::RequestTooLarge, QStringLiteral("request head over %1 bytes").arg(m_limits.maxHeaderBytes)));
                    return;
                }
            }
            break;
        }
        case State::Body: {
            const qint64 take = qMin<qint64>(m_bodyLeft, size - i);
            m_bodyLeft -= take;
            i += take;
            if (m_bodyLeft == 0) {
                m_state = State::Idle;
                m_idleTimer.restart();
            }
            break;
        }
        }
    }
}

void HttpRequestGuard::endOfHead()
{
    if (!headerValue(m_head, "transfer-encoding").isEmpty()) {
        reject("411 Length Required", makeError(ErrorCode::RequestTooLarge, QStringLiteral("chunked bodies are not accepted: send Content-Length")));
        return;
    }
    const QByteArray length = headerValue(m_head, "content-length");
    bool ok = true;
    const qint64 bodyBytes = length.isEmpty() ? 0 : length.toLongLong(&ok);
    if (!ok || bodyBytes < 0 || bodyBytes > m_limits.maxBodyBytes) {
        reject("413 Content Too Large", makeError(ErrorCode::RequestTooLarge, QStringLiteral("body of %1 bytes, at most %2")
                                                         .arg(QString::fromLatin1(length.left(20))).arg(m_limits.maxBodyBytes)));
        return;
    }
    m_head.clear();
    m_bodyLeft = bodyBytes;
    m_state = bodyBytes > 0 ? State::Body : State::Idle;
    if (m_state == State::Idle)
        m_idleTimer.restart();
}

void HttpRequestGuard::check()
{
    if (m_rejected)
        return;
    if (m_state != State::Idle) {
        if (m_requestTimer.elapsed() > m_limits.requestTimeoutMs)
            reject("408 Request Timeout", makeError(ErrorCode::RequestTimeout, QStringLiteral("%1 ms").arg(m_limits.requestTimeoutMs)));
        return;
    }
    // Idle: nothing asked, or an answer the client does not read.
    if (m_idleTimer.elapsed() > m_limits.idleTimeoutMs) {
        qCInfo(lcServer).noquote() << "HTTP: closing idle or stalled connection from" << m_socket->peerAddress().toString();
        m_rejected = true;
        m_socket->abort();
    }
}

void HttpRequestGuard::reject(const QByteArray &statusLine, const Error &error)
{
    m_rejected = true;
    qCInfo(lcServer).noquote() << "HTTP: refusing" << m_socket->peerAddress().toString() << ":" << error.toString();
    // QHttpServer must not see what follows: unhook it (and us) from the socket's data.
    disconnect(m_socket, &QTcpSocket::readyRead, nullptr, nullptr);
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("code"), error.code},
                                                      {QStringLiteral("message"), error.message}})
                                .toJson(QJsonDocument::Compact);
    m_socket->write("HTTP/1.1 " + statusLine + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                    + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    m_socket->disconnectFromHost();
}

} // namespace roomrec
