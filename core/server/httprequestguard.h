#pragma once

#include "common/error.h"
#include "server/httplimits.h"

#include <QElapsedTimer>
#include <QObject>

class QTcpSocket;

namespace roomrec {

// Watches one HTTP connection's bytes before QHttpServer parses them: it frames requests
// itself (head up to the blank line, then Content-Length bytes) so an endless header, a huge
// body, a trickling client or a reader that never reads is cut off with a coded answer
// instead of growing memory or holding the connection. It only peeks: QHttpServer still
// reads and answers every request that keeps to the limits.
class HttpRequestGuard : public QObject {
    Q_OBJECT
public:
    // Must be created before QHttpServer connects to the socket (its readyRead slot runs
    // first); call afterOthersConnected() once QHttpServer has connected its own.
    HttpRequestGuard(QTcpSocket *socket, const HttpLimits &limits);
    void afterOthersConnected();
    // Timeouts; the listener calls it for every connection a few times a second.
    void check();

private:
    enum class State { Idle, Head, Body };
    void beforeRead();
    void afterRead();
    void feed(const char *data, qsizetype size);
    void reject(const QByteArray &statusLine, const Error &error);
    void endOfHead();

    QTcpSocket *m_socket;
    HttpLimits m_limits;
    State m_state = State::Idle;
    QByteArray m_head;          // the current request's head, at most maxHeaderBytes + 3
    qint64 m_bodyLeft = 0;
    qint64 m_leftover = 0;      // bytes QHttpServer left unread after its last pass
    QElapsedTimer m_requestTimer;
    QElapsedTimer m_idleTimer;  // since the last request ended or bytes were written
    bool m_rejected = false;
};

} // namespace roomrec
