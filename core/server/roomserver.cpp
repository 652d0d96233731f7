#include "server/roomserver.h"

#include "common/hostport.h"
#include "common/logging.h"
#include "protocol/errorcode.h"
#include "protocol/frame.h"
#include "protocol/protocollimits.h"
#include "protocol/trackname.h"
#include "library/outboxstore.h"
#include "recording/crashrecovery.h"
#include "recording/libraryreconciler.h"
#include "server/recordingtarget.h"

#include <QCborArray>
#include <QDir>
#include <QFileInfo>
#include <QPointer>
#include <QUrl>

#include <limits>

namespace roomrec {

namespace {
QCborArray toCborArray(const QStringList &list)
{
    return QCborArray::fromStringList(list);
}

Result<RoomKind> parseKind(const QString &name)
{
    if (name.isEmpty() || name == QLatin1String("multi-party"))
        return RoomKind::MultiParty;
    if (name == QLatin1String("one-on-one"))
        return RoomKind::OneOnOne;
    return makeError(ErrorCode::WrongFieldType, QStringLiteral("kind"));
}
// User ID -> what that member turned off ("camera", "audio"); members with nothing off are
// left out (the `muted` of the members event).
QCborMap mutedTracks(const QList<ClientSession *> &members)
{
    QCborMap out;
    for (const ClientSession *m : members) {
        QCborArray names = out.value(m->userId).toArray(); // a user may be in the room twice
        if (m->cameraMuted && !names.contains(trackName(Track::CameraVideo)))
            names << trackName(Track::CameraVideo);
        if (m->micMuted && !names.contains(trackName(Track::CameraAudio)))
            names << trackName(Track::CameraAudio);
        if (!names.isEmpty())
            out.insert(m->userId, names);
    }
    return out;
}
} // namespace

RoomServer::RoomServer(ServerConfig config, QObject *parent)
    : QObject(parent), m_config(std::move(config)),
      m_handlers{
          {QStringLiteral("hello"), &RoomServer::handleHello},
          {QStringLiteral("signIn"), &RoomServer::handleSignIn},
          {QStringLiteral("ping"), &RoomServer::handlePing},
          {QStringLiteral("createRoom"), &RoomServer::handleCreateRoom},
          {QStringLiteral("joinRoom"), &RoomServer::handleJoinRoom},
          {QStringLiteral("leaveRoom"), &RoomServer::handleLeaveRoom},
          {QStringLiteral("publish"), &RoomServer::handlePublish},
          {QStringLiteral("unpublish"), &RoomServer::handleUnpublish},
          {QStringLiteral("setMuted"), &RoomServer::handleSetMuted},
          {QStringLiteral("subscribe"), &RoomServer::handleSubscribe},
          {QStringLiteral("unsubscribe"), &RoomServer::handleUnsubscribe},
          {QStringLiteral("startRecording"), &RoomServer::handleStartRecording},
          {QStringLiteral("stopRecording"), &RoomServer::handleStopRecording},
          {QStringLiteral("recordingResult"), &RoomServer::handleRecordingResult},
          {QStringLiteral("fileInfo"), &RoomServer::handleFileInfo},
          {QStringLiteral("listFiles"), &RoomServer::handleListFiles},
      }
{
    connect(&m_tcp, &QTcpServer::newConnection, this, &RoomServer::onNewConnection);
    m_backlogCheck.setInterval(50);
    connect(&m_backlogCheck, &QTimer::timeout, this, &RoomServer::resumeDrainedPublishers);
    connect(&m_relay, &MediaRelay::keyFrameNeeded, this, [](ClientSession *publisher, Track track) {
        publisher->sendEvent(QStringLiteral("keyFrameRequest"), {{QStringLiteral("track"), int(track)}});
    });
}

RoomServer::~RoomServer()
{
    shutdown();
    // Sessions are QObject children and would be deleted after our members; a socket closing
    // then would call back into a half-destroyed server. Delete them now, unhooked.
    const QList<ClientSession *> sessions = findChildren<ClientSession *>(Qt::FindDirectChildrenOnly);
    for (ClientSession *s : sessions) {
        s->disconnect(this);
        delete s;
    }
    m_sessions.clear();
}

Status RoomServer::start()
{
    const bool loopback = m_config.address.isLoopback();
    if (!loopback && m_config.secret.isEmpty())
        return makeError(ErrorCode::SignatureMissing,
                         QStringLiteral("refusing to listen on %1 without --secret-file: anyone could record")
                             .arg(m_config.address.toString()));
    if (m_config.dataDir.isEmpty() || !QDir().mkpath(m_config.dataDir))
        return makeError(ErrorCode::StorageWriteFailed, QStringLiteral("cannot create data folder '%1'").arg(m_config.dataDir));
    auto catalogUrl = m_config.catalog.isEmpty()
                          ? Result<CatalogUrl>(CatalogUrl::sqlite(QDir(m_config.dataDir).absoluteFilePath(QStringLiteral("catalog.sqlite"))))
                          : CatalogUrl::parse(m_config.catalog);
    if (!catalogUrl)
        return catalogUrl.error();
    if (Status s = m_catalog.open(catalogUrl.value(), m_config.nodeId); !s)
        return s;
    // Before listening, so waiting for the catalogue's thread here holds nobody up.
    const QString recordings = QDir(m_config.dataDir).absoluteFilePath(QStringLiteral("recordings"));
    auto floor = m_catalog.call([&](Catalog &catalog) -> Result<quint64> {
        auto recovered = CrashRecovery::recover(catalog, recordings);
        if (!recovered)
            return recovered.error();
        m_recovered = recovered.value();
        auto reconciled = LibraryReconciler::reconcile(catalog, recordings);
        if (!reconciled)
            return reconciled.error();
        m_recovered << reconciled->orphansCatalogued;
        // The outbox table exists either way, so events stored by an earlier run stay put.
        if (Status s = OutboxStore(catalog).open(); !s)
            return s.error();
        return catalog.highestId();
    });
    if (!floor)
        return floor.error();
    m_ids = std::make_unique<IdGenerator>(m_config.nodeId, floor.value());
    if (Status s = startWebhooks(); !s)
        return s;
    m_recording = std::make_unique<RecordingService>(m_catalog, *m_ids, m_config);
    if (m_webhookEvents) {
        WebhookEvents *events = m_webhookEvents.get();
        connect(m_recording.get(), &RecordingService::recordingStarted, events, &WebhookEvents::recordingStarted);
        connect(m_recording.get(), &RecordingService::fileReady, events, &WebhookEvents::fileReady);
        connect(m_recording.get(), &RecordingService::recordingEnded, events, &WebhookEvents::recordingEnded);
        connect(m_recording.get(), &RecordingService::fileProcessed, events, &WebhookEvents::processed);
    }
    m_storage = std::make_unique<FileStorage>(m_catalog, m_config);
    m_storage->attach(*m_recording);
    connect(m_recording.get(), &RecordingService::keyFrameNeeded, this, [this](const QString &userId, Track track) {
        for (ClientSession *s : std::as_const(m_sessions)) {
            if (s->userId == userId)
                s->sendEvent(QStringLiteral("keyFrameRequest"), {{QStringLiteral("track"), int(track)}});
        }
    });
    connect(m_recording.get(), &RecordingService::recordingEnded, this,
            [this](const QString &userId, const RecordingOutcome &outcome) {
                // A user's own stop gets its file IDs in the reply; tell only of other ends.
                const bool endedByServer = outcome.reason != QLatin1String("stopped");
                // A member who started this recording of another user (startRecording with
                // `userId`) and did not stop it: told of any end, with whose it was.
                const QPointer<ClientSession> starter = m_memberRecordingStarters.take(userId);
                // Like a stop's reply, the event goes once its files are complete (catalogued
                // as such), not while the writer threads are still finishing them.
                if (endedByServer || starter) {
                    whenFilesComplete(outcome.fileIds, [this, userId, outcome, endedByServer, starter] {
                        const QCborMap fields{{QStringLiteral("relationId"), qint64(outcome.room.relationId)},
                                              {QStringLiteral("roomId"), qint64(outcome.room.roomId)},
                                              {QStringLiteral("fileIds"), toCborArray(outcome.fileIds)},
                                              {QStringLiteral("reason"), outcome.reason},
                                              {QStringLiteral("code"), outcome.errorCode},
                                              {QStringLiteral("message"), outcome.errorMessage}};
                        for (ClientSession *s : std::as_const(m_sessions)) {
                            if (s->userId == userId && endedByServer)
                                s->sendEvent(QStringLiteral("recordingEnded"), fields);
                        }
                        if (starter) {
                            QCborMap forStarter = fields;
                            forStarter.insert(QStringLiteral("userId"), userId);
                            starter->sendEvent(QStringLiteral("recordingEnded"), forStarter);
                        }
                    });
                }
                emit recordingEnded(userId, outcome);
            });
    if (m_config.httpEnabled && !loopback && m_config.tlsCertificateFile.isEmpty() && !m_config.allowPlainHttp)
        return makeError(ErrorCode::ConnectionFailed,
                         QStringLiteral("refusing to serve the HTTP API on %1 without TLS (--tls-cert): bearer signatures and "
                                        "play URLs would cross the network in clear text. Use --allow-plain-http only behind "
                                        "a TLS-terminating proxy on a private network.")
                             .arg(m_config.address.toString()));
    if (m_config.httpEnabled) {
        m_http = std::make_unique<HttpApi>(*this);
        if (auto port = m_http->listen(m_config.address, m_config.httpPort); !port)
            return port.error();
    }
    if (!m_config.tlsCertificateFile.isEmpty() || !m_config.tlsKeyFile.isEmpty()) {
        if (Status s = m_tcp.loadCertificate(m_config.tlsCertificateFile, m_config.tlsKeyFile); !s)
            return s;
    }
    // Bursts of connections (a class joining at once) must not overflow the accept queue:
    // the kernel would drop SYNs and the clients retry only after seconds.
    m_tcp.setListenBacklogSize(1024);
    if (!m_tcp.listen(m_config.address, m_config.port))
        return makeError(ErrorCode::ConnectionFailed, QStringLiteral("listen on %1:%2: %3")
                                                          .arg(m_config.address.toString()).arg(m_config.port)
                                                          .arg(m_tcp.errorString()));
    if (Status s = startCluster(); !s)
        return s;
    qCInfo(lcServer).noquote() << "listening on" << m_tcp.serverAddress().toString() << m_tcp.serverPort()
                               << (m_tcp.isTls() ? "(TLS)" : "(plain TCP)")
                               << "data in" << m_config.dataDir;
    return success();
}

Status RoomServer::startCluster()
{
    if (m_config.publicAddress.isEmpty())
        return success();
    if (m_config.secret.isEmpty())
        return makeError(ErrorCode::SignatureMissing,
                         QStringLiteral("cluster mode (--public-address) needs --secret-file, the same on every node: users "
                                        "signed in on one node are redirected to another, and play URLs are signed for it"));
    // Port 0 in the public address or URL: the port this server actually listens on (tests,
    // and nodes started with --port 0).
    auto address = HostPort::parse(m_config.publicAddress, 0);
    if (!address || address->host.isEmpty())
        return makeError(ErrorCode::ConnectionFailed, QStringLiteral("--public-address '%1' is not HOST:PORT").arg(m_config.publicAddress));
    if (address->port == 0)
        address->port = m_tcp.serverPort();
    QUrl http(m_config.publicHttpUrl);
    if (m_config.publicHttpUrl.isEmpty() && m_http) {
        http.setScheme(m_http->isTls() ? QStringLiteral("https") : QStringLiteral("http"));
        http.setHost(address->host);
    }
    // The HTTP port is filled in when the URL is derived, or says port 0; a URL without a
    // port (a proxy on the scheme's default port) stays as the operator wrote it.
    if (m_http && (m_config.publicHttpUrl.isEmpty() || http.port() == 0))
        http.setPort(m_http->port());
    ClusterNode self{m_config.nodeId, address->toString(), http.toString(QUrl::StripTrailingSlash)};
    m_cluster = std::make_unique<ClusterPlacement>(m_catalog, self, std::chrono::milliseconds(m_config.nodeTimeoutMs));
    return m_cluster->start();
}

Status RoomServer::startWebhooks()
{
    if (m_config.webhookUrl.isEmpty())
        return success();
    const QUrl url(m_config.webhookUrl);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        return makeError(ErrorCode::ConnectionFailed, QStringLiteral("webhook URL '%1' is not http(s)").arg(m_config.webhookUrl));
    const QByteArray key = m_config.webhookSecret.isEmpty() ? m_config.secret : m_config.webhookSecret;
    if (key.isEmpty())
        qCInfo(lcServer) << "webhook events go unsigned (no --secret-file or --webhook-secret-file)";
    const WebhookOutbox::Policy policy{m_config.webhookFirstRetryMs, m_config.webhookMaxRetryMs,
                                       m_config.webhookGiveUpMs, m_config.webhookTimeoutMs};
    m_webhooks = std::make_unique<WebhookOutbox>(m_catalog, url, key, policy);
    m_webhookEvents = std::make_unique<WebhookEvents>(m_catalog, *m_webhooks);
    m_webhookEvents->recovered(m_recovered);
    m_webhooks->start();
    return success();
}

quint16 RoomServer::httpPort() const
{
    return m_http ? m_http->port() : 0;
}

void RoomServer::shutdown()
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    m_tcp.close();
    if (m_cluster)
        m_cluster->stop();
    if (m_recording)
        m_recording->stopAll(QStringLiteral("shutdown"));
    // Every file finished and its final row in the catalogue, within a bound: with the
    // database gone, what is still queued is given up and the next start's recovery scan
    // rebuilds those rows from the files (CrashRecovery, LibraryReconciler).
    waitForFinalizedFiles();
    const QList<ClientSession *> sessions = m_sessions;
    for (ClientSession *s : sessions)
        s->close();
}

void RoomServer::onNewConnection()
{
    while (QTcpSocket *socket = m_tcp.nextPendingConnection()) {
        if (m_sessions.size() >= m_config.maxConnections) {
            // Told why, then closed: the cap keeps thousands of idle sockets from exhausting us.
            qCWarning(lcServer).noquote() << "connection cap" << m_config.maxConnections << "reached: refusing"
                                          << socket->peerAddress().toString();
            const Error busy = makeError(ErrorCode::ServerBusy, QStringLiteral("%1 connections").arg(m_config.maxConnections));
            socket->write(Frame{FrameKind::Control, ControlMessage(QStringLiteral("error"), 0,
                                                                   {{QStringLiteral("code"), busy.code},
                                                                    {QStringLiteral("message"), busy.message}}).encode()}.encode());
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            socket->disconnectFromHost();
            if (socket->state() == QAbstractSocket::UnconnectedState)
                socket->deleteLater();
            continue;
        }
        SessionLimits limits;
        limits.deadPeerMs = m_config.deadPeerMs;
        limits.signInTimeoutMs = m_config.signInTimeoutMs;
        limits.maxUnsentBytes = m_config.maxUnsentBytes;
        auto *connection = new SessionConnection(socket);
        if (QThread *thread = m_network.next())
            connection->moveToThread(thread);
        auto *session = new ClientSession(m_nextSessionId++, connection, limits, this);
        m_sessions << session;
        connect(session, &ClientSession::requestReceived, this, &RoomServer::onRequest);
        connect(session, &ClientSession::mediaReceived, this, &RoomServer::onMedia);
        connect(session, &ClientSession::disconnected, this, &RoomServer::onDisconnected);
    }
}

void RoomServer::onDisconnected(ClientSession *session)
{
    if (!m_sessions.removeOne(session))
        return;
    qCInfo(lcServer).noquote() << "disconnected:" << session->peer();
    // A recording is not stopped here: as in the guide, it ends after the idle timeout,
    // so a client that crashed or lost its network loses nothing it had sent.
    leaveRoom(session);
    if (!session->userId.isEmpty())
        m_recording->sourceGone(session->userId, session->id());
    session->deleteLater();
}

void RoomServer::onRequest(ClientSession *s, const ControlMessage &m)
{
    const Handler handler = m_handlers.value(m.type());
    if (!handler)
        return s->replyError(m.id(), makeError(ErrorCode::UnknownMessageType, m.type().left(64)));
    if (m.type() != QLatin1String("hello") && !s->helloDone)
        return s->replyError(m.id(), makeError(ErrorCode::HelloRequired));
    const bool open = m.type() == QLatin1String("hello") || m.type() == QLatin1String("signIn")
                      || m.type() == QLatin1String("ping");
    if (!open && s->userId.isEmpty())
        return s->replyError(m.id(), makeError(ErrorCode::NotSignedIn));
    // Expiry counts on every request, not only at sign-in; what already runs (a recording,
    // the media it receives) goes on, and signing in again with a fresh signature renews.
    if (!open && s->signatureExpiresAt.isValid() && s->signatureExpiresAt <= QDateTime::currentDateTimeUtc())
        return s->replyError(m.id(), makeError(ErrorCode::SignatureExpired, QStringLiteral("sign in again with a fresh signature")));
    if (m_shuttingDown)
        return s->replyError(m.id(), makeError(ErrorCode::ServerShuttingDown));
    (this->*handler)(s, m);
}

void RoomServer::handleHello(ClientSession *s, const ControlMessage &m)
{
    auto version = m.integer(QStringLiteral("version"), 0, INT_MAX);
    if (!version)
        return s->replyError(m.id(), version.error());
    if (version.value() != protocol::kVersion)
        return s->replyError(m.id(), makeError(ErrorCode::UnsupportedProtocolVersion,
                                               QStringLiteral("client %1, server %2").arg(version.value()).arg(protocol::kVersion)));
    s->helloDone = true;
    s->reply(m.id(), QCborMap{{QStringLiteral("server"), QStringLiteral("roomrec-server")},
                              {QStringLiteral("version"), protocol::kVersion},
                              {QStringLiteral("nodeId"), qint64(m_config.nodeId)},
                              {QStringLiteral("signatureRequired"), !m_config.secret.isEmpty()}});
}

void RoomServer::handleSignIn(ClientSession *s, const ControlMessage &m)
{
    auto user = m.string(QStringLiteral("userId"), protocol::kMaxUserIdChars);
    if (!user)
        return s->replyError(m.id(), user.error());
    if (!UserSignature::isValidUserId(user.value()))
        return s->replyError(m.id(), makeError(ErrorCode::InvalidUserId));
    auto signature = m.stringOr(QStringLiteral("signature"), {}, 1024);
    if (!signature)
        return s->replyError(m.id(), signature.error());
    // Signing in again on a signed-in connection renews the signature; it cannot change who
    // the connection is (its room, streams and recording are that user's).
    if (!s->userId.isEmpty() && s->userId != user.value())
        return s->replyError(m.id(), makeError(ErrorCode::InvalidUserId, QStringLiteral("this connection is signed in as %1").arg(s->userId)));
    // Without a secret the server is on loopback only and trusts its callers (as the HTTP API).
    UserSignature::Grant grant{user.value(), UserSignature::Everything, QDateTime()};
    if (!m_config.secret.isEmpty()) {
        auto verified = UserSignature::verifyToken(m_config.secret, signature->toUtf8(), QDateTime::currentDateTimeUtc());
        if (!verified)
            return s->replyError(m.id(), verified.error());
        if (verified->userId != user.value())
            return s->replyError(m.id(), makeError(ErrorCode::SignatureInvalid, QStringLiteral("signed for another user")));
        grant = verified.value();
    }
    const UserSignature::Privileges privileges = grant.privileges;
    s->userId = user.value();
    s->privileges = privileges;
    s->signatureExpiresAt = grant.expiresAt;
    qCInfo(lcServer).noquote() << "signed in:" << s->peer() << UserSignature::privilegeNames(privileges);
    s->reply(m.id(), QCborMap{{QStringLiteral("privileges"), UserSignature::privilegeNames(privileges)}});
}

void RoomServer::handlePing(ClientSession *s, const ControlMessage &m)
{
    s->reply(m.id());
}

Result<RoomInfo> RoomServer::roomOf(const ControlMessage &m) const
{
    auto relation = m.integer(QStringLiteral("relationId"), 0, 0xFFFFFFFFLL);
    auto room = m.integer(QStringLiteral("roomId"), 0, 0xFFFFFFFFLL);
    if (!relation)
        return relation.error().code == int(ErrorCode::MissingField) ? relation.error() : makeError(ErrorCode::InvalidRoomId);
    if (!room)
        return room.error().code == int(ErrorCode::MissingField) ? room.error() : makeError(ErrorCode::InvalidRoomId);
    return RoomInfo{quint32(relation.value()), quint32(room.value())};
}

void RoomServer::notifyMembers(const RoomInfo &info)
{
    const Room *room = m_rooms.find(info);
    if (!room)
        return;
    const QCborMap event{{QStringLiteral("relationId"), qint64(info.relationId)},
                         {QStringLiteral("roomId"), qint64(info.roomId)},
                         {QStringLiteral("kind"), roomKindName(room->kind)},
                         {QStringLiteral("members"), toCborArray(m_rooms.memberIds(info))},
                         {QStringLiteral("tracks"), MediaRelay::publishedTracks(room->members)},
                         {QStringLiteral("muted"), mutedTracks(room->members)}};
    for (ClientSession *member : room->members)
        member->sendEvent(QStringLiteral("members"), event);
}

void RoomServer::handleCreateRoom(ClientSession *s, const ControlMessage &m)
{
    if (!(s->privileges & UserSignature::CreateRoom))
        return s->replyError(m.id(), makeError(ErrorCode::PrivilegeMissing, QStringLiteral("create")));
    auto info = roomOf(m);
    if (!info)
        return s->replyError(m.id(), info.error());
    auto kindName = m.stringOr(QStringLiteral("kind"), {}, 32);
    if (!kindName)
        return s->replyError(m.id(), kindName.error());
    auto kind = parseKind(kindName.value());
    if (!kind)
        return s->replyError(m.id(), kind.error());
    const RoomInfo room = info.value();
    if (!m_cluster || m_rooms.find(room))
        return createRoomHere(s, m.id(), room, kind.value());
    // Shared library: the room is placed here unless another live node has it. The server
    // is the callback's context, so a placement whose creator left meanwhile is let go.
    m_cluster->claim(room, this, [this, session = QPointer<ClientSession>(s), id = m.id(), room, k = kind.value()](Result<ClusterNode> host) {
        const bool here = host && host->nodeId == m_cluster->self().nodeId;
        if (!session || !m_sessions.contains(session.data())) {
            if (here && !m_rooms.find(room))
                m_cluster->release(room);
            return;
        }
        if (!host)
            return session->replyError(id, host.error());
        if (!here)
            return session->replyError(id, makeError(ErrorCode::RoomAlreadyExists,
                                                     QStringLiteral("room %1 is hosted on node %2 at %3")
                                                         .arg(room.toString()).arg(host->nodeId).arg(host->protocolAddress)));
        createRoomHere(session, id, room, k);
    });
}

void RoomServer::createRoomHere(ClientSession *s, quint64 requestId, const RoomInfo &room, RoomKind kind)
{
    if (s->room && !(*s->room == room))
        leaveRoom(s);
    if (Status st = m_rooms.create(room, kind, s); !st)
        return s->replyError(requestId, st.error());
    s->room = room;
    s->reply(requestId, QCborMap{{QStringLiteral("kind"), roomKindName(kind)},
                                 {QStringLiteral("members"), toCborArray(m_rooms.memberIds(room))}});
    notifyMembers(room);
}

void RoomServer::handleJoinRoom(ClientSession *s, const ControlMessage &m)
{
    if (!(s->privileges & UserSignature::Join))
        return s->replyError(m.id(), makeError(ErrorCode::PrivilegeMissing, QStringLiteral("join")));
    auto info = roomOf(m);
    if (!info)
        return s->replyError(m.id(), info.error());
    const RoomInfo room = info.value();
    if (!m_cluster || m_rooms.find(room))
        return joinRoomHere(s, m.id(), room);
    // Not here: the library knows whether another live node hosts it.
    m_cluster->locate(room, s, [this, s, id = m.id(), room](Result<std::optional<ClusterNode>> host) {
        if (m_rooms.find(room)) // created here meanwhile
            return joinRoomHere(s, id, room);
        if (!host)
            return s->replyError(id, host.error());
        if (!host->has_value() || host->value().nodeId == m_cluster->self().nodeId)
            return joinRoomHere(s, id, room); // RoomNotFound
        // A coded answer with the address; the client SDK connects there and joins (docs/protocol.md).
        const ClusterNode &node = host->value();
        ControlMessage redirect = ControlMessage::failure(
            id, makeError(ErrorCode::RoomOnOtherNode, QStringLiteral("room %1 is hosted on node %2 at %3")
                                                          .arg(room.toString()).arg(node.nodeId).arg(node.protocolAddress)));
        redirect.set(QStringLiteral("address"), node.protocolAddress);
        redirect.set(QStringLiteral("nodeId"), qint64(node.nodeId));
        s->send(redirect);
    });
}

void RoomServer::joinRoomHere(ClientSession *s, quint64 requestId, const RoomInfo &room)
{
    if (s->room && !(*s->room == room))
        leaveRoom(s);
    if (Status st = m_rooms.join(room, s); !st)
        return s->replyError(requestId, st.error());
    s->room = room;
    const Room *joined = m_rooms.find(room);
    s->reply(requestId, QCborMap{{QStringLiteral("kind"), roomKindName(joined->kind)},
                                 {QStringLiteral("members"), toCborArray(m_rooms.memberIds(room))}});
    notifyMembers(room);
}

void RoomServer::leaveRoom(ClientSession *s)
{
    if (!s->room)
        return;
    const RoomInfo info = *s->room;
    m_relay.leftRoom(s);
    s->room.reset();
    s->video[0].reset();
    s->video[1].reset();
    s->audio.reset();
    s->cameraMuted = s->micMuted = false; // said again in the next room
    m_rooms.leave(info, s);
    if (m_cluster && !m_rooms.find(info)) // the last one out: the room is gone from this node
        m_cluster->release(info);
    notifyMembers(info);
}

void RoomServer::handleLeaveRoom(ClientSession *s, const ControlMessage &m)
{
    if (!s->room)
        return s->replyError(m.id(), makeError(ErrorCode::NotInRoom));
    leaveRoom(s);
    s->reply(m.id());
}

void RoomServer::handlePublish(ClientSession *s, const ControlMessage &m)
{
    if (!(s->privileges & UserSignature::Publish))
        return s->replyError(m.id(), makeError(ErrorCode::PrivilegeMissing, QStringLiteral("publish")));
    if (!s->room)
        return s->replyError(m.id(), makeError(ErrorCode::NotInRoom));
    auto track = m.integer(QStringLiteral("track"), 0, 1);
    if (!track)
        return s->replyError(m.id(), track.error());
    auto videoMap = m.map(QStringLiteral("video"));
    if (!videoMap)
        return s->replyError(m.id(), videoMap.error());
    auto video = VideoParams::fromCbor(videoMap.value());
    if (!video)
        return s->replyError(m.id(), video.error());
    std::optional<AudioParams> audio;
    if (m.has(QStringLiteral("audio"))) {
        if (track.value() != int(Track::CameraVideo))
            return s->replyError(m.id(), makeError(ErrorCode::InvalidStreamParams, QStringLiteral("audio travels with the camera")));
        auto audioMap = m.map(QStringLiteral("audio"));
        if (!audioMap)
            return s->replyError(m.id(), audioMap.error());
        auto parsed = AudioParams::fromCbor(audioMap.value());
        if (!parsed)
            return s->replyError(m.id(), parsed.error());
        audio = parsed.value();
    }
    if (m.has(QStringLiteral("clockEpochUs"))) {
        auto epoch = m.integer(QStringLiteral("clockEpochUs"), 0, std::numeric_limits<qint64>::max());
        if (!epoch)
            return s->replyError(m.id(), epoch.error());
        s->clockEpochUs = epoch.value();
    }
    s->video[track.value()] = video.value();
    if (track.value() == int(Track::CameraVideo))
        s->audio = audio;
    auto resume = m.boolean(QStringLiteral("resume"), false);
    if (!resume)
        return s->replyError(m.id(), resume.error());
    if (resume.value()) {
        // The user back after a lost connection: the recording goes on in the same file, and
        // the reply says from where the publisher resends (docs/protocol.md, "Reconnecting").
        auto point = m_recording->resume(s->userId, s->id(), *s->room, Track(track.value()), video.value(), audio);
        QCborMap value{{QStringLiteral("resumed"), point.has_value()}};
        if (point && point->videoDtsUs >= 0)
            value.insert(QStringLiteral("videoDtsUs"), point->videoDtsUs);
        if (point && point->audioDtsUs >= 0)
            value.insert(QStringLiteral("audioDtsUs"), point->audioDtsUs);
        return s->reply(m.id(), value);
    }
    // A recording of this track continues with the new stream (same connection re-publishing,
    // or the user back on a new connection after the old one died) in a new segment.
    m_recording->streamPublished(s->userId, s->id(), Track(track.value()), video.value(), audio);
    s->reply(m.id());
    m_relay.published(s, Track(track.value()));
    if (audio)
        m_relay.published(s, Track::CameraAudio);
    else if (track.value() == int(Track::CameraVideo))
        m_relay.unpublished(s, Track::CameraAudio);
    notifyMembers(*s->room);
}

void RoomServer::handleUnpublish(ClientSession *s, const ControlMessage &m)
{
    auto track = m.integer(QStringLiteral("track"), 0, 1);
    if (!track)
        return s->replyError(m.id(), track.error());
    if (!s->video[track.value()])
        return s->replyError(m.id(), makeError(ErrorCode::NotPublishing));
    s->video[track.value()].reset();
    m_relay.unpublished(s, Track(track.value()));
    if (track.value() == int(Track::CameraVideo)) {
        s->audio.reset();
        m_relay.unpublished(s, Track::CameraAudio);
    }
    s->reply(m.id());
    if (s->room)
        notifyMembers(*s->room);
}

void RoomServer::handleSetMuted(ClientSession *s, const ControlMessage &m)
{
    if (!s->room)
        return s->replyError(m.id(), makeError(ErrorCode::NotInRoom));
    auto name = m.string(QStringLiteral("track"), 16);
    if (!name)
        return s->replyError(m.id(), name.error());
    auto muted = m.boolean(QStringLiteral("muted"), true);
    if (!muted)
        return s->replyError(m.id(), muted.error());
    const std::optional<Track> track = trackFromName(name.value());
    if (track != Track::CameraVideo && track != Track::CameraAudio)
        return s->replyError(m.id(), makeError(ErrorCode::WrongFieldType, QStringLiteral("track: camera or audio")));
    bool &flag = track == Track::CameraVideo ? s->cameraMuted : s->micMuted;
    const bool changed = flag != muted.value();
    flag = muted.value();
    s->reply(m.id());
    if (changed)
        notifyMembers(*s->room);
}

void RoomServer::handleSubscribe(ClientSession *s, const ControlMessage &m)
{
    const Room *room = s->room ? m_rooms.find(*s->room) : nullptr;
    m_relay.subscribe(s, m, room ? room->members : QList<ClientSession *>{});
}

void RoomServer::handleUnsubscribe(ClientSession *s, const ControlMessage &m)
{
    m_relay.unsubscribe(s, m);
}

void RoomServer::handleStartRecording(ClientSession *s, const ControlMessage &m)
{
    auto info = roomOf(m);
    if (!info)
        return s->replyError(m.id(), info.error());
    auto target = RecordingTarget::of(*s, m, info.value(), m_rooms.find(info.value()), RecordingTarget::Membership::Required);
    if (!target)
        return s->replyError(m.id(), target.error());
    auto paramMap = m.map(QStringLiteral("param"));
    if (!paramMap)
        return s->replyError(m.id(), paramMap.error());
    auto param = RecordParam::fromCbor(paramMap.value());
    if (!param)
        return s->replyError(m.id(), param.error());
    QPointer<ClientSession> session(s);
    const quint64 requestId = m.id();
    const QString userId = target.value();
    auto done = [this, session, requestId, userId](const Result<quint64> &started) {
        if (!session)
            return;
        if (!started)
            return session->replyError(requestId, started.error());
        if (userId != session->userId) { // told when it ends, unless it stops it itself
            qCInfo(lcServer).noquote() << "recording of" << userId << "asked for by" << session->userId << "(admin)";
            m_memberRecordingStarters.insert(userId, session);
        }
        session->reply(requestId, QCborMap{{QStringLiteral("recordingId"), QString::number(started.value())}});
    };
    // Another member's: exactly what a backend gets over HTTP (their session, quota, files).
    if (userId != s->userId)
        return startRecordingFor(userId, info.value(), param.value(), std::move(done));
    startRecording(s, info.value(), param.value(), std::move(done));
}

Status RoomServer::mayStartRecording(const ClientSession *s, const RoomInfo &info, const RecordParam &param) const
{
    if (!(s->privileges & UserSignature::Record))
        return makeError(ErrorCode::NoPermissionForRecording);
    if (!s->room || !(*s->room == info))
        return makeError(ErrorCode::NotInRoom);
    const Room *room = m_rooms.find(info);
    if (room && room->kind == RoomKind::OneOnOne)
        return makeError(ErrorCode::OneOnOneRoomNotSupported);
    if (m_recording->isRecording(s->userId))
        return makeError(ErrorCode::RecordingAlreadyRunning);
    if (!s->video[param.recordDataType])
        return makeError(ErrorCode::StreamNotPublished, param.recordDataType ? QStringLiteral("sub-stream") : QStringLiteral("camera"));
    return success();
}

void RoomServer::startRecording(ClientSession *s, const RoomInfo &info, const RecordParam &param,
                                std::function<void(Result<quint64>)> done)
{
    if (Status may = mayStartRecording(s, info, param); !may)
        return done(may.error());
    auto begin = [this, session = QPointer<ClientSession>(s), info, param, done](qint64 bytesUsed) {
        // Checked again: the session, its room and streams may have changed while the
        // catalogue answered (or another start of this user got in first).
        if (!session || m_shuttingDown)
            return done(makeError(session ? ErrorCode::ServerShuttingDown : ErrorCode::NotInRoom));
        if (Status may = mayStartRecording(session, info, param); !may)
            return done(may.error());
        done(m_recording->start(session->userId, session->id(), info, param, *session->video[param.recordDataType],
                                session->audio, bytesUsed));
    };
    if (m_config.quotaBytes <= 0)
        return begin(0);
    const QString userId = s->userId;
    m_catalog.request<Result<qint64>>(
        this, [userId](Catalog &catalog) { return catalog.bytesUsedBy(userId); },
        [begin, done](const Result<qint64> &used) {
            if (!used)
                return done(used.error());
            begin(used.value());
        });
}

void RoomServer::startRecordingFor(const QString &userId, const RoomInfo &room, const RecordParam &param,
                                   std::function<void(Result<quint64>)> done)
{
    // The user's connection in that room that publishes the stream to record.
    ClientSession *best = nullptr;
    for (ClientSession *s : std::as_const(m_sessions)) {
        if (s->userId == userId && s->room && *s->room == room && (!best || s->video[param.recordDataType]))
            best = s;
    }
    if (!best)
        return done(makeError(ErrorCode::NotInRoom, QStringLiteral("%1 is not in room %2").arg(userId, room.toString())));
    startRecording(best, room, param, std::move(done));
}

Result<QStringList> RoomServer::stopRecordingFor(const QString &userId, const RoomInfo &room)
{
    return m_recording->stop(userId, room);
}

void RoomServer::whenFilesComplete(const QStringList &fileIds, std::function<void()> done)
{
    QList<quint64> ids;
    for (const QString &id : fileIds)
        ids << id.toULongLong();
    if (!m_recording)
        return done();
    m_recording->writers().whenCompleted(ids, std::move(done));
}

void RoomServer::deleteFile(quint64 fileId, std::function<void(Status)> done)
{
    // The row is read on the catalogue's thread; whether the file is busy is known here; the
    // file and the row are removed on the catalogue's thread again (the unlink is disk work).
    m_catalog.request<Result<FileRecord>>(
        this, [fileId](Catalog &catalog) { return catalog.file(fileId); },
        [this, fileId, done](const Result<FileRecord> &record) {
            if (!record)
                return done(record.error());
            if (record->state == FileRecord::State::Recording)
                return done(makeError(ErrorCode::RecordingAlreadyRunning, QStringLiteral("the file is still being recorded")));
            if (m_recording && m_recording->isFileBusy(record.value()))
                return done(makeError(ErrorCode::FileBusy,
                                      record->processingState.isEmpty() ? QStringLiteral("finishing") : record->processingState));
            if (m_storage && m_storage->isBusyWith(fileId))
                return done(makeError(ErrorCode::FileBusy, QStringLiteral("uploading to object storage")));
            const QString path = record->storagePath;
            m_catalog.write<Status>([fileId, path](Catalog &catalog) { return removeFileAndRow(catalog, fileId, path); }, this,
                                    [this, done, removed = record.value()](const Status &status) {
                                        // The row is gone: its objects go too (the uploader, on this thread).
                                        if (status && m_storage)
                                            m_storage->fileDeleted(removed);
                                        done(status);
                                    });
        });
}

Status RoomServer::removeFileAndRow(Catalog &catalog, quint64 fileId, const QString &storagePath)
{
    // The MP4 first, then the row, then the derived outputs, so a crash at any point leaves
    // what the next start repairs (LibraryReconciler): a row without its file (dropped, with
    // its derived outputs), or derived outputs of no file (removed). Never a catalogued file
    // whose derived outputs are half gone, nor a file without its row (it would come back as
    // an orphan). A download in progress keeps its open file until it ends (POSIX unlink).
    const QFileInfo file(storagePath);
    if (QFile::exists(storagePath) && !QFile::remove(storagePath))
        return makeError(ErrorCode::StorageWriteFailed, QStringLiteral("cannot remove %1").arg(storagePath));
    if (Status s = catalog.remove(fileId); !s)
        return s;
    QDir derived(file.absoluteDir().filePath(QString::number(fileId)));
    if (derived.exists() && !derived.removeRecursively())
        qCWarning(lcServer).noquote() << "file" << fileId << "deleted, but not all of" << derived.path()
                                      << "(removed at the next start)";
    return success();
}

void RoomServer::waitForFinalizedFiles()
{
    if (m_recording)
        m_recording->waitForFinalizedFiles();
    else
        m_catalog.drain();
}

void RoomServer::waitForPostProcessing()
{
    if (m_recording)
        m_recording->waitForPostProcessing();
    else
        m_catalog.drain();
}

void RoomServer::handleStopRecording(ClientSession *s, const ControlMessage &m)
{
    auto info = roomOf(m);
    if (!info)
        return s->replyError(m.id(), info.error());
    auto target = RecordingTarget::of(*s, m, info.value(), m_rooms.find(info.value()), RecordingTarget::Membership::NotRequired);
    if (!target)
        return s->replyError(m.id(), target.error());
    if (m_memberRecordingStarters.value(target.value()) == s)
        m_memberRecordingStarters.remove(target.value()); // the reply tells it (stop() may emit the end now)
    auto ids = stopRecordingFor(target.value(), info.value());
    if (!ids)
        return s->replyError(m.id(), ids.error());
    // The answer waits (without blocking anyone) until the files are complete on disk, so
    // the caller can use them at once.
    QPointer<ClientSession> session(s);
    const quint64 requestId = m.id();
    whenFilesComplete(ids.value(), [session, requestId, ids = ids.value()] {
        if (session)
            session->reply(requestId, QCborMap{{QStringLiteral("fileIds"), toCborArray(ids)}});
    });
}

void RoomServer::handleRecordingResult(ClientSession *s, const ControlMessage &m)
{
    auto info = roomOf(m);
    if (!info)
        return s->replyError(m.id(), info.error());
    auto target = RecordingTarget::of(*s, m, info.value(), m_rooms.find(info.value()), RecordingTarget::Membership::NotRequired);
    if (!target)
        return s->replyError(m.id(), target.error());
    if (m_recording->isRecording(target.value()))
        return s->reply(m.id(), QCborMap{{QStringLiteral("recording"), true}});
    auto outcome = m_recording->lastOutcome(target.value(), info.value());
    if (!outcome)
        return s->replyError(m.id(), makeError(ErrorCode::NotRecording));
    s->reply(m.id(), QCborMap{{QStringLiteral("recording"), false},
                              {QStringLiteral("fileIds"), toCborArray(outcome->fileIds)},
                              {QStringLiteral("reason"), outcome->reason},
                              {QStringLiteral("code"), outcome->errorCode},
                              {QStringLiteral("message"), outcome->errorMessage},
                              {QStringLiteral("endedAt"), outcome->endedAt.toString(Qt::ISODateWithMs)}});
}

void RoomServer::handleFileInfo(ClientSession *s, const ControlMessage &m)
{
    auto idText = m.string(QStringLiteral("fileId"), 20);
    if (!idText)
        return s->replyError(m.id(), idText.error());
    bool ok = false;
    const quint64 id = idText->toULongLong(&ok);
    if (!ok)
        return s->replyError(m.id(), makeError(ErrorCode::WrongFieldType, QStringLiteral("fileId")));
    const quint64 requestId = m.id();
    m_catalog.request<Result<FileRecord>>(
        s, [id](Catalog &catalog) { return catalog.file(id); },
        [s, requestId, id](const Result<FileRecord> &record) { // s: still there, or this is not called
            if (!record)
                return s->replyError(requestId, record.error());
            if (!(s->privileges & UserSignature::Admin) && record->userId != s->userId)
                return s->replyError(requestId, makeError(ErrorCode::NotFileOwner, QStringLiteral("file %1").arg(id)));
            s->reply(requestId, record->toCbor());
        });
}

void RoomServer::handleListFiles(ClientSession *s, const ControlMessage &m)
{
    FileFilter filter;
    auto name = m.stringOr(QStringLiteral("name"), {}, protocol::kMaxFileNameChars);
    auto tag = m.stringOr(QStringLiteral("tag"), {}, protocol::kMaxTagChars);
    auto user = m.stringOr(QStringLiteral("userId"), {}, protocol::kMaxUserIdChars);
    auto limit = m.integerOr(QStringLiteral("limit"), 1000, 1, 10000);
    for (const Error *e : {name ? nullptr : &name.error(), tag ? nullptr : &tag.error(),
                           user ? nullptr : &user.error(), limit ? nullptr : &limit.error()}) {
        if (e)
            return s->replyError(m.id(), *e);
    }
    filter.name = name.value();
    filter.tag = tag.value();
    filter.userId = user.value();
    if (!(s->privileges & UserSignature::Admin)) {
        if (!filter.userId.isEmpty() && filter.userId != s->userId)
            return s->replyError(m.id(), makeError(ErrorCode::NotFileOwner, QStringLiteral("files of %1").arg(filter.userId)));
        filter.userId = s->userId; // a user lists their own files
    }
    filter.limit = int(limit.value());
    if (m.has(QStringLiteral("classId"))) {
        auto classId = m.integer(QStringLiteral("classId"), 0, 0xFFFFFFFFLL);
        if (!classId)
            return s->replyError(m.id(), classId.error());
        filter.classId = quint32(classId.value());
    }
    const quint64 requestId = m.id();
    m_catalog.request<Result<QList<FileRecord>>>(
        s, [filter](Catalog &catalog) { return catalog.files(filter); },
        [s, requestId](const Result<QList<FileRecord>> &files) { // s: still there, or this is not called
            if (!files)
                return s->replyError(requestId, files.error());
            QCborArray list;
            for (const FileRecord &r : files.value())
                list << r.toCbor();
            s->reply(requestId, QCborMap{{QStringLiteral("files"), list}});
        });
}

void RoomServer::onMedia(ClientSession *s, const MediaPacket &packet)
{
    const bool published = packet.isVideo() ? s->video[int(packet.track)].has_value() : s->audio.has_value();
    if (!published) {
        // Only answered once per burst would be nicer; a well-behaved client never does this.
        s->sendEvent(QStringLiteral("error"), {{QStringLiteral("code"), int(ErrorCode::UnknownStream)},
                                               {QStringLiteral("message"), errorMessage(int(ErrorCode::UnknownStream))}});
        return;
    }
    const bool diskBehind = m_recording->push(s->userId, s->id(), packet);
    // Never waits: a slow subscriber only loses its own packets. Nobody watching live: the
    // publisher's socket can be read less often (ReadCoalescer).
    s->setReadsRelaxed(!m_relay.forward(s, packet));
    if (diskBehind) {
        // The disk is behind: hold this publisher back rather than queue without end or drop.
        qCInfo(lcServer).noquote() << "holding back" << s->peer() << ": its recording waits for the disk";
        s->setReadingPaused(true);
        if (!m_backlogCheck.isActive())
            m_backlogCheck.start();
    }
}

void RoomServer::resumeDrainedPublishers()
{
    bool stillPaused = false;
    for (ClientSession *s : std::as_const(m_sessions)) {
        if (!s->isReadingPaused())
            continue;
        if (m_recording->isBacklogged(s->userId))
            stillPaused = true;
        else
            s->setReadingPaused(false);
    }
    if (!stillPaused)
        m_backlogCheck.stop();
}

} // namespace roomrec
