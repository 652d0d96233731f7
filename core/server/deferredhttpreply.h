#pragma once

#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QPointer>
#include <QTcpSocket>

#include <memory>

namespace roomrec {

// An HTTP answer that comes later (after the catalogue's thread has answered, or a file is
// complete): keeps the request's QHttpServerResponder until then. Qt 6.4's responder holds a
// plain pointer to its socket, which QHttpServer deletes when the client disconnects; the
// socket is watched here, so an answer for a client that has gone is dropped, not written
// into freed memory. Shared (std::shared_ptr) because the callbacks that answer are copied.
class DeferredHttpReply {
public:
    static std::shared_ptr<DeferredHttpReply> make(QHttpServerResponder &&responder)
    {
        return std::shared_ptr<DeferredHttpReply>(new DeferredHttpReply(std::move(responder)));
    }

    // Whether the client is still there to be answered.
    bool isOpen() const { return !m_socket.isNull() && !m_answered; }
    // Answers once; later calls, and calls after the client left, do nothing.
    void send(const QHttpServerResponse &response);
    // For answers QHttpServerResponse cannot express (streamed files): null if !isOpen(),
    // and counts as answered.
    QHttpServerResponder *take();

private:
    explicit DeferredHttpReply(QHttpServerResponder &&responder)
        : m_responder(std::move(responder)), m_socket(m_responder.socket())
    {
    }

    QHttpServerResponder m_responder;
    QPointer<QTcpSocket> m_socket;
    bool m_answered = false;
};

} // namespace roomrec
