#pragma once

#include "common/idgenerator.h"
#include "library/catalog.h"
#include "library/outboxstore.h"
#include "server/clientsession.h"
#include "server/filestorage.h"
#include "server/httpapi.h"
#include "server/tlstcpserver.h"
#include "server/recordingservice.h"
#include "server/roomregistry.h"
#include "server/serverconfig.h"
#include "server/webhookevents.h"
#include "server/webhookoutbox.h"

#include <QTcpServer>
#include <QTimer>

#include <memory>

namespace roomrec {

// roomrec-server's heart: accepts connections, checks every request, keeps rooms and
// hands media to the recording service. The wire format is in docs/protocol.md.
class RoomServer : public QObject {
    Q_OBJECT
public:
    explicit RoomServer(ServerConfig config, QObject *parent = nullptr);
    ~RoomServer() override;

    // Opens the catalogue, recovers recordings a crash left behind, then listens.
    Status start();
    // Finishes every recording cleanly and closes all connections.
    void shutdown();

    QHostAddress address() const { return m_tcp.serverAddress(); }
    quint16 port() const { return m_tcp.serverPort(); }
    bool isTls() const { return m_tcp.isTls(); }
    const ServerConfig &config() const { return m_config; }
    Catalog &catalog() { return m_catalog; }
    RecordingService *recordingService() { return m_recording.get(); } // null before start()
    FileStorage *fileStorage() { return m_storage.get(); }             // null before start()
    const QList<FileRecord> &recoveredAtStart() const { return m_recovered; }
    int sessionCount() const { return int(m_sessions.size()); } // open protocol connections
    quint16 httpPort() const;
    bool httpIsTls() const { return m_http && m_http->isTls(); }
    int httpConnectionCount() const { return m_http ? m_http->openConnections() : 0; }
    // The webhook's outbox (null without --webhook-url).
    WebhookOutbox *webhooks() { return m_webhooks.get(); }

    // For third-party backends (HTTP API): the recording rules as for the user's own request,
    // recording what the user publishes in that room.
    Result<quint64> startRecordingFor(const QString &userId, const RoomInfo &room, const RecordParam &param);
    Result<QStringList> stopRecordingFor(const QString &userId, const RoomInfo &room);
    // Runs `done` once none of these files is still being finished on a writer thread.
    void whenFilesComplete(const QStringList &fileIds, std::function<void()> done);
    // Removes the file, its derived outputs and its catalogue row (not while it is recorded).
    Status deleteFile(quint64 fileId);
    // Finished files are rewritten with a full index in the background; wait for that.
    void waitForFinalizedFiles() { if (m_recording) m_recording->waitForFinalizedFiles(); }
    void waitForPostProcessing() { if (m_recording) m_recording->waitForPostProcessing(); }

signals:
    void recordingEnded(const QString &userId, const roomrec::RecordingOutcome &outcome);

private:
    using Handler = void (RoomServer::*)(ClientSession *, const ControlMessage &);

    void onNewConnection();
    void onRequest(ClientSession *session, const ControlMessage &message);
    void onMedia(ClientSession *session, const MediaPacket &packet);
    void onDisconnected(ClientSession *session);
    void notifyMembers(const RoomInfo &room);
    void resumeDrainedPublishers();

    void handleHello(ClientSession *s, const ControlMessage &m);
    void handleSignIn(ClientSession *s, const ControlMessage &m);
    void handlePing(ClientSession *s, const ControlMessage &m);
    void handleCreateRoom(ClientSession *s, const ControlMessage &m);
    void handleJoinRoom(ClientSession *s, const ControlMessage &m);
    void handleLeaveRoom(ClientSession *s, const ControlMessage &m);
    void handlePublish(ClientSession *s, const ControlMessage &m);
    void handleUnpublish(ClientSession *s, const ControlMessage &m);
    void handleStartRecording(ClientSession *s, const ControlMessage &m);
    void handleStopRecording(ClientSession *s, const ControlMessage &m);
    void handleRecordingResult(ClientSession *s, const ControlMessage &m);
    void handleFileInfo(ClientSession *s, const ControlMessage &m);
    void handleListFiles(ClientSession *s, const ControlMessage &m);

    Result<RoomInfo> roomOf(const ControlMessage &m) const;
    Result<quint64> startRecording(ClientSession *s, const RoomInfo &room, const RecordParam &param);
    void leaveRoom(ClientSession *s);
    Status startWebhooks();

    ServerConfig m_config;
    QHash<QString, Handler> m_handlers;
    TlsTcpServer m_tcp{this};
    Catalog m_catalog;
    std::unique_ptr<IdGenerator> m_ids;
    // Before the recording service: it may still report finished files while it is destroyed.
    OutboxStore m_outbox{m_catalog};
    std::unique_ptr<WebhookOutbox> m_webhooks;
    std::unique_ptr<WebhookEvents> m_webhookEvents;
    std::unique_ptr<RecordingService> m_recording;
    std::unique_ptr<FileStorage> m_storage; // after the recording service whose files it uploads
    std::unique_ptr<HttpApi> m_http;
    RoomRegistry m_rooms;
    QList<ClientSession *> m_sessions;
    QList<FileRecord> m_recovered;
    quint64 m_nextSessionId = 1;
    bool m_shuttingDown = false;
    QTimer m_backlogCheck; // runs while a publisher is held back
};

} // namespace roomrec
