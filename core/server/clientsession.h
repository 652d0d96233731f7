#pragma once

#include "protocol/controlmessage.h"
#include "protocol/mediapacket.h"
#include "protocol/roominfo.h"
#include "protocol/streamparams.h"
#include "protocol/usersignature.h"
#include "server/sessionconnection.h"
#include "server/sessionlimits.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <optional>

namespace roomrec {

// One client connection on the server: framing, keepalive and the session's state
// (signed-in user, room, published streams). Requests go up to RoomServer as signals;
// a framing error is answered with its code and closes this connection only. It also keeps
// the connection's cost bounded (SessionLimits): a deadline for hello + signIn, a cap on
// what the client leaves unread, and a limit on bad frames and bad requests.
// The socket itself is its SessionConnection's, which may live on a network thread; the
// session, like the rooms, lives on the server's thread.
class ClientSession : public QObject {
    Q_OBJECT
public:
    // Takes the connection over (deleted with the session, on the connection's thread).
    ClientSession(quint64 id, SessionConnection *connection, const SessionLimits &limits, QObject *parent = nullptr);
    ~ClientSession() override;

    void send(const ControlMessage &message);
    void reply(quint64 id, const QCborValue &value = {});
    // A request that was malformed (bad fields, unknown type) counts toward the bad-message limit.
    void replyError(quint64 id, const Error &error);
    void sendEvent(const QString &type, const QCborMap &fields = {}) { send(ControlMessage(type, 0, fields)); }
    // A forwarded media frame, header and payload in one array (shared by every subscriber),
    // written at once.
    void sendMedia(const QByteArray &framed);
    qint64 unsentBytes() const { return m_connection->unsentBytes(); }
    void setSendBufferBytes(int bytes);
    void close();
    // Held back while its recording waits for the disk: the socket is not read (TCP pushes
    // back on the publisher) and silence is not held against it.
    void setReadingPaused(bool paused);
    bool isReadingPaused() const { return m_readingPaused; }
    // Nobody subscribes to this publisher's media: reads may wait longer (ReadCoalescer).
    void setReadsRelaxed(bool relaxed);
    // The thread the socket is served on (the server's, or a network thread).
    QThread *connectionThread() const { return m_connection->thread(); }

    QString peer() const;
    quint64 id() const { return m_id; } // unique per server run; binds a recording to its source
    bool helloDone = false;
    QString userId; // empty until signed in
    UserSignature::Privileges privileges;
    QDateTime signatureExpiresAt; // invalid without a server secret; checked on every request
    std::optional<RoomInfo> room;
    std::optional<VideoParams> video[2]; // indexed by Track::CameraVideo / SubStreamVideo
    std::optional<AudioParams> audio;
    bool cameraMuted = false; // the user turned the camera off (setMuted; told in `members`)
    bool micMuted = false;    // the same for the microphone
    std::optional<qint64> clockEpochUs; // publisher's wall clock (µs since 1970) at pts 0, if it told

signals:
    void requestReceived(roomrec::ClientSession *session, const roomrec::ControlMessage &message);
    void mediaReceived(roomrec::ClientSession *session, const roomrec::MediaPacket &packet);
    void disconnected(roomrec::ClientSession *session);

private:
    void onReceived(const QList<Incoming> &batch, qint64 bytes);
    void deliver(); // m_held, until done or paused
    void resumeHeld();
    void checkAlive();
    void protocolError(const Error &error, bool fatal);
    void countBadMessage(const Error &error, bool fatal);
    void dropWithError(const Error &error);
    bool dropIfNotReading(); // true if it was dropped

    quint64 m_id;
    SessionConnection *m_connection;
    QTimer m_aliveTimer{this};
    // Read but not yet handled: the rest of a batch when reading was paused in its middle.
    QList<Incoming> m_held;
    qsizetype m_nextHeld = 0;
    qint64 m_heldBytes = 0; // handed back to the connection once all of m_held is handled
    bool m_relaxed = false;
    SessionLimits m_limits;
    QElapsedTimer m_sinceConnected;
    int m_badFrames = 0; // in a row
    int m_badTotal = 0;
    bool m_closing = false;
    bool m_readingPaused = false;
};

} // namespace roomrec
