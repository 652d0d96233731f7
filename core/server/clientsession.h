#pragma once

#include "protocol/controlmessage.h"
#include "protocol/framedecoder.h"
#include "protocol/mediapacket.h"
#include "protocol/roominfo.h"
#include "protocol/streamparams.h"
#include "protocol/usersignature.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTcpSocket>
#include <QTimer>

#include <optional>

namespace roomrec {

// One client connection on the server: framing, keepalive and the session's state
// (signed-in user, room, published streams). Requests go up to RoomServer as signals;
// a framing error is answered with its code and closes this connection only.
class ClientSession : public QObject {
    Q_OBJECT
public:
    ClientSession(quint64 id, QTcpSocket *socket, int deadPeerMs, QObject *parent = nullptr);

    void send(const ControlMessage &message);
    void reply(quint64 id, const QCborValue &value = {}) { send(ControlMessage::success(id, value)); }
    void replyError(quint64 id, const Error &error) { send(ControlMessage::failure(id, error)); }
    void sendEvent(const QString &type, const QCborMap &fields = {}) { send(ControlMessage(type, 0, fields)); }
    void close();

    QString peer() const;
    quint64 id() const { return m_id; } // unique per server run; binds a recording to its source
    bool helloDone = false;
    QString userId; // empty until signed in
    UserSignature::Privileges privileges;
    QDateTime signatureExpiresAt; // invalid without a server secret; checked on every request
    std::optional<RoomInfo> room;
    std::optional<VideoParams> video[2]; // indexed by Track::CameraVideo / SubStreamVideo
    std::optional<AudioParams> audio;

signals:
    void requestReceived(roomrec::ClientSession *session, const roomrec::ControlMessage &message);
    void mediaReceived(roomrec::ClientSession *session, const roomrec::MediaPacket &packet);
    void disconnected(roomrec::ClientSession *session);

private:
    void onReadyRead();
    void checkAlive();
    void protocolError(const Error &error, bool fatal);

    quint64 m_id;
    QTcpSocket *m_socket;
    FrameDecoder m_decoder;
    QTimer m_aliveTimer{this};
    QElapsedTimer m_sinceData;
    int m_deadPeerMs;
    int m_badFrames = 0; // in a row
    bool m_closing = false;
};

} // namespace roomrec
