#pragma once

#include "protocol/controlmessage.h"
#include "protocol/framedecoder.h"

#include <QTcpSocket>

#include <optional>

// Test support: a bare socket speaking the protocol by hand, to send what a real client
// never would. The server under test usually runs in this thread, so every wait spins the
// event loop instead of blocking on the socket.
class RawPeer {
public:
    bool connect(quint16 port);
    void send(const roomrec::ControlMessage &m);
    void sendRaw(const QByteArray &bytes);
    // Next control message, or nullopt after timeoutMs (or when the connection ends).
    std::optional<roomrec::ControlMessage> receive(int timeoutMs = 3000);
    // The next message of the given type ("result", "error", an event name); others are skipped.
    std::optional<roomrec::ControlMessage> receiveType(const QString &type, int timeoutMs = 3000);
    bool waitForDisconnect(int timeoutMs);
    QTcpSocket &socket() { return m_socket; }

private:
    QTcpSocket m_socket;
    roomrec::FrameDecoder m_decoder;
};
