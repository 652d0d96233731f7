#pragma once

#include "common/idgenerator.h"
#include "library/catalogworker.h"
#include "server/clientsession.h"
#include "server/clusterplacement.h"
#include "server/filestorage.h"
#include "server/httpapi.h"
#include "server/mediarelay.h"
#include "server/networkthreads.h"
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
    // The catalogue, on its own thread: submit jobs from this server's thread (never wait for
    // them here once listening; call() is for start-up and tests).
    CatalogWorker &catalog() { return m_catalog; }
    // Cluster mode (--public-address): room placement and the other nodes; null otherwise.
    ClusterPlacement *cluster() { return m_cluster.get(); }
    RecordingService *recordingService() { return m_recording.get(); } // null before start()
    FileStorage *fileStorage() { return m_storage.get(); }             // null before start()
    const QList<FileRecord> &recoveredAtStart() const { return m_recovered; }
    int sessionCount() const { return int(m_sessions.size()); } // open protocol connections
    quint16 httpPort() const;
    bool httpIsTls() const { return m_http && m_http->isTls(); }
    int httpConnectionCount() const { return m_http ? m_http->openConnections() : 0; }
    // The webhook's outbox (null without --webhook-url).
    WebhookOutbox *webhooks() { return m_webhooks.get(); }
    const MediaRelay &relay() const { return m_relay; }

    // For third-party backends (HTTP API): the recording rules as for the user's own request,
    // recording what the user publishes in that room. `done` runs later on this thread (the
    // quota check reads the catalogue), unless the server is destroyed first.
    void startRecordingFor(const QString &userId, const RoomInfo &room, const RecordParam &param,
                           std::function<void(Result<quint64>)> done);
    Result<QStringList> stopRecordingFor(const QString &userId, const RoomInfo &room);
    // Runs `done` once none of these files is still being finished on a writer thread.
    void whenFilesComplete(const QStringList &fileIds, std::function<void()> done);
    // Removes the file, its derived outputs and its catalogue row (not while it is recorded);
    // `done` runs later on this thread, unless the server is destroyed first.
    void deleteFile(quint64 fileId, std::function<void(Status)> done);
    // Finished files get their full index in the background, then their final row; wait for
    // that (shutdown, tests: this runs the event loop).
    void waitForFinalizedFiles();
    void waitForPostProcessing();

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
    void handleSetMuted(ClientSession *s, const ControlMessage &m);
    void handleSubscribe(ClientSession *s, const ControlMessage &m);
    void handleUnsubscribe(ClientSession *s, const ControlMessage &m);
    void handleStartRecording(ClientSession *s, const ControlMessage &m);
    void handleStopRecording(ClientSession *s, const ControlMessage &m);
    void handleRecordingResult(ClientSession *s, const ControlMessage &m);
    void handleFileInfo(ClientSession *s, const ControlMessage &m);
    void handleListFiles(ClientSession *s, const ControlMessage &m);

    Result<RoomInfo> roomOf(const ControlMessage &m) const;
    // Checks the rules, then (after the quota's catalogue read, if there is a quota) starts;
    // `done` runs on this thread, with NotInRoom if the session went away meanwhile.
    void startRecording(ClientSession *s, const RoomInfo &room, const RecordParam &param,
                        std::function<void(Result<quint64>)> done);
    Status mayStartRecording(const ClientSession *s, const RoomInfo &room, const RecordParam &param) const;
    void leaveRoom(ClientSession *s);
    void createRoomHere(ClientSession *s, quint64 requestId, const RoomInfo &room, RoomKind kind);
    void joinRoomHere(ClientSession *s, quint64 requestId, const RoomInfo &room);
    Status startCluster();
    // On the catalogue's thread.
    static Status removeFileAndRow(Catalog &catalog, quint64 fileId, const QString &storagePath);
    Status startWebhooks();

    ServerConfig m_config;
    QHash<QString, Handler> m_handlers;
    TlsTcpServer m_tcp{this};
    // Before everything that writes to it: destroyed last, it runs what they queued.
    CatalogWorker m_catalog{m_config.catalogQueue};
    std::unique_ptr<IdGenerator> m_ids;
    std::unique_ptr<WebhookOutbox> m_webhooks;
    std::unique_ptr<WebhookEvents> m_webhookEvents;
    std::unique_ptr<RecordingService> m_recording;
    std::unique_ptr<FileStorage> m_storage; // after the recording service whose files it uploads
    std::unique_ptr<HttpApi> m_http;
    std::unique_ptr<ClusterPlacement> m_cluster; // null unless --public-address
    RoomRegistry m_rooms;
    MediaRelay m_relay{m_config.subscriberBacklogBytes};
    // Before the sessions: its threads end after the connections queued there are deleted.
    NetworkThreads m_network{m_config.networkThreads};
    QList<ClientSession *> m_sessions;
    QList<FileRecord> m_recovered;
    // User ID -> the session that started that user's recording for them (an admin member),
    // to be told when it ends unless it stops it itself.
    QHash<QString, QPointer<ClientSession>> m_memberRecordingStarters;
    quint64 m_nextSessionId = 1;
    bool m_shuttingDown = false;
    QTimer m_backlogCheck; // runs while a publisher is held back
};

} // namespace roomrec
