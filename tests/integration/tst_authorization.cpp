// Who may do what, on both ports (docs/http-api.md "Authorization", docs/protocol.md): every
// HTTP route x {own token, another user's token, admin, no record privilege, expired, forged,
// none, token in the query} -> the documented status and code; signed play URLs; the browser
// checks of a loopback API (Host, Origin, access token); the protocol's file requests and the
// expiry checked on every request while a running recording goes on.
#include "mp4inspector.h"
#include "rawpeer.h"
#include "syncclient.h"
#include "catalogprobe.h"
#include "servercalls.h"
#include "testserver.h"

#include "protocol/errorcode.h"
#include "protocol/protocollimits.h"
#include "protocol/usersignature.h"
#include "server/mediaurlsigner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

namespace {
const QByteArray kSecret = "authorization-test-secret-0123456789";
const RoomInfo kRoom{15000, 9};

enum class Caller { Own, Other, Admin, NoRecord, Expired, Forged, None, QueryToken };

struct HttpReply {
    int status = 0;
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

// One HTTP/1.1 request over a raw socket, so tests choose every header (Host, Origin) freely.
// The server runs in this thread: wait with the event loop running, never blocking it.
HttpReply rawRequest(quint16 port, const QByteArray &verb, const QString &path, const QList<QPair<QByteArray, QByteArray>> &headers,
                     const QByteArray &body = {}, const QByteArray &host = "127.0.0.1")
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    QByteArray request = verb + ' ' + path.toUtf8() + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n";
    for (const auto &[k, v] : headers)
        request += k + ": " + v + "\r\n";
    if (!body.isEmpty() || verb == "POST")
        request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    request += "\r\n" + body;
    socket.write(request);
    QByteArray response;
    auto complete = [&] {
        response += socket.readAll();
        const qsizetype headEnd = response.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return socket.state() == QAbstractSocket::UnconnectedState;
        const QByteArray head = response.left(headEnd).toLower();
        const qsizetype cl = head.indexOf("content-length:");
        if (cl < 0)
            return socket.state() == QAbstractSocket::UnconnectedState;
        const qint64 length = head.mid(cl + 15, head.indexOf("\r\n", cl) - cl - 15).trimmed().toLongLong();
        return response.size() - headEnd - 4 >= length;
    };
    (void)QTest::qWaitFor(complete, 20'000); // what came is checked below
    HttpReply reply;
    const qsizetype headEnd = response.indexOf("\r\n\r\n");
    reply.status = response.mid(9, 3).toInt();
    reply.body = headEnd < 0 ? QByteArray() : response.mid(headEnd + 4);
    return reply;
}
} // namespace

Q_DECLARE_METATYPE(Caller)

class TestAuthorization : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void httpRoutes_data();
    void httpRoutes();
    void listingsShowOwnFilesOnly();
    void signedPlayUrls();
    void queryTokenOnlyOnMedia();
    void browserCannotDriveTheLoopbackApi_data();
    void browserCannotDriveTheLoopbackApi();
    void protocolFileRequests();
    void protocolRequests_data();
    void protocolRequests();
    void expiryCheckedOnEveryRequestRecordingGoesOn();

private:
    QByteArray token(Caller caller) const;
    quint64 addFile(const QString &owner, const QString &name);
    QList<QPair<QByteArray, QByteArray>> auth(Caller caller) const;

    QTemporaryDir m_dir;
    std::unique_ptr<RoomServer> m_server;
    std::unique_ptr<SyncClient> m_alice; // publishes in kRoom, for the recording routes
    quint64 m_aliceFile = 0;
    quint64 m_bobFile = 0;
    quint64 m_nextId = 1000;
};

QByteArray TestAuthorization::token(Caller caller) const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    switch (caller) {
    case Caller::Own:
    case Caller::QueryToken:
        return UserSignature::sign(kSecret, QStringLiteral("alice"), now.addSecs(600), UserSignature::All);
    case Caller::Other:
        return UserSignature::sign(kSecret, QStringLiteral("bob"), now.addSecs(600), UserSignature::All);
    case Caller::Admin:
        return UserSignature::sign(kSecret, QStringLiteral("backend"), now.addSecs(600), UserSignature::Admin | UserSignature::Record);
    case Caller::NoRecord:
        return UserSignature::sign(kSecret, QStringLiteral("alice"), now.addSecs(600), UserSignature::Join);
    case Caller::Expired:
        return UserSignature::sign(kSecret, QStringLiteral("alice"), now.addSecs(-5), UserSignature::All);
    case Caller::Forged:
        return UserSignature::sign("not-the-server-secret-0123456789", QStringLiteral("alice"), now.addSecs(600), UserSignature::Everything);
    case Caller::None:
        break;
    }
    return {};
}

QList<QPair<QByteArray, QByteArray>> TestAuthorization::auth(Caller caller) const
{
    if (caller == Caller::None || caller == Caller::QueryToken)
        return {};
    return {{"Authorization", "Bearer " + token(caller)}};
}

quint64 TestAuthorization::addFile(const QString &owner, const QString &name)
{
    FileRecord r;
    r.id = ++m_nextId;
    r.name = name;
    r.userId = owner;
    r.state = FileRecord::State::Complete;
    r.startedAt = QDateTime::currentDateTimeUtc();
    r.storagePath = m_dir.filePath(QStringLiteral("%1.mp4").arg(r.id));
    QFile file(r.storagePath);
    if (!file.open(QIODevice::WriteOnly) || file.write(QByteArray(4096, 'x')) != 4096)
        return 0;
    file.close();
    QDir().mkpath(m_dir.filePath(QString::number(r.id)));
    QFile derived(m_dir.filePath(QStringLiteral("%1/cover.jpg").arg(r.id)));
    if (!derived.open(QIODevice::WriteOnly))
        return 0;
    derived.write("jpeg");
    derived.close();
    r.sizeBytes = 4096;
    return catalogOf(*m_server).insert(r) ? r.id : 0;
}

void TestAuthorization::initTestCase()
{
    ServerConfig config;
    config.secret = kSecret;
    m_server = startTestServer(m_dir.path(), config);
    QVERIFY(m_server);
    m_aliceFile = addFile(QStringLiteral("alice"), QStringLiteral("alice-lesson"));
    m_bobFile = addFile(QStringLiteral("bob"), QStringLiteral("bob-lesson"));
    QVERIFY(m_aliceFile && m_bobFile);
    m_alice = std::make_unique<SyncClient>();
    QVERIFY(m_alice->connect(m_server->port(), QStringLiteral("alice"), QString::fromLatin1(token(Caller::Own))).ok());
    QVERIFY(m_alice->createRoom(kRoom).ok());
    QVERIFY(m_alice->publish(Track::CameraVideo, QSize(320, 180), 15, 15).ok());
}

void TestAuthorization::httpRoutes_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<QString>("path"); // FILE: a fresh file of alice's
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<Caller>("caller");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("code"); // 0: success

    const int missing = int(ErrorCode::SignatureMissing), expired = int(ErrorCode::SignatureExpired),
              invalid = int(ErrorCode::SignatureInvalid), notOwner = int(ErrorCode::NotFileOwner),
              noRecord = int(ErrorCode::NoPermissionForRecording), privilege = int(ErrorCode::PrivilegeMissing);
    struct Route {
        const char *name;
        QByteArray verb;
        QString path;
        QByteArray body;
        // own, other, admin, no record privilege (status, code each)
        QList<QPair<int, int>> answers;
    };
    const QByteArray aliceBody = R"({"userId":"alice","relationId":15000,"roomId":9,"param":{"fileName":"auth"}})";
    const QList<Route> routes = {
        {"list", "GET", "/api/v1/files", {}, {{200, 0}, {200, 0}, {200, 0}, {200, 0}}},
        {"list alice's", "GET", "/api/v1/files?userId=alice", {}, {{200, 0}, {403, notOwner}, {200, 0}, {200, 0}}},
        {"show", "GET", "/api/v1/files/FILE", {}, {{200, 0}, {403, notOwner}, {200, 0}, {200, 0}}},
        {"play info by ID", "GET", "/api/v1/recordplayinfo?fileId=FILE", {}, {{200, 0}, {403, notOwner}, {200, 0}, {200, 0}}},
        {"play info by name", "GET", "/api/v1/playinfo?fileName=alice-lesson", {}, {{200, 0}, {200, 0}, {200, 0}, {200, 0}}},
        {"media", "GET", "/media/FILE.mp4", {}, {{200, 0}, {403, notOwner}, {200, 0}, {200, 0}}},
        {"delete", "DELETE", "/api/v1/files/FILE", {}, {{200, 0}, {403, notOwner}, {200, 0}, {403, noRecord}}},
        {"start", "POST", "/api/v1/recordings/start", aliceBody, {{200, 0}, {403, privilege}, {200, 0}, {403, noRecord}}},
        {"stop", "POST", "/api/v1/recordings/stop", aliceBody, {{200, 0}, {403, privilege}, {200, 0}, {403, noRecord}}},
    };
    const QList<QPair<Caller, const char *>> callers = {
        {Caller::Own, "own"}, {Caller::Other, "other user"}, {Caller::Admin, "admin"}, {Caller::NoRecord, "no record privilege"},
        {Caller::Expired, "expired"}, {Caller::Forged, "forged"}, {Caller::None, "none"}, {Caller::QueryToken, "query token"}};
    for (const Route &route : routes) {
        for (int i = 0; i < callers.size(); ++i) {
            QPair<int, int> answer;
            if (i < 4)
                answer = route.answers[i];
            else if (callers[i].first == Caller::Expired)
                answer = {401, expired};
            else if (callers[i].first == Caller::Forged)
                answer = {401, invalid};
            else if (callers[i].first == Caller::QueryToken && route.path.startsWith(QLatin1String("/media")))
                answer = {200, 0}; // players that cannot send headers
            else
                answer = {401, missing};
            QTest::addRow("%s, %s", route.name, callers[i].second)
                << route.verb << route.path << route.body << callers[i].first << answer.first << answer.second;
        }
    }
}

void TestAuthorization::httpRoutes()
{
    QFETCH(QByteArray, verb);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(Caller, caller);
    QFETCH(int, status);
    QFETCH(int, code);
    const quint64 file = addFile(QStringLiteral("alice"), QStringLiteral("alice-extra"));
    QVERIFY(file);
    path.replace(QStringLiteral("FILE"), QString::number(file));
    if (caller == Caller::QueryToken)
        path += (path.contains(QLatin1Char('?')) ? QStringLiteral("&token=") : QStringLiteral("?token="))
                + QString::fromLatin1(QUrl::toPercentEncoding(QString::fromLatin1(token(caller))));
    const bool stopRoute = path.endsWith(QLatin1String("/stop"));
    if (stopRoute)
        QVERIFY(ServerCalls::startRecordingFor(*m_server, QStringLiteral("alice"), kRoom, SyncClient::param(QStringLiteral("auth"))).ok());

    const HttpReply reply = rawRequest(m_server->httpPort(), verb, path, auth(caller), body);
    QCOMPARE(reply.status, status);
    if (code != 0) {
        QCOMPARE(reply.json().value(QStringLiteral("code")).toInt(), code);
        QVERIFY(!reply.json().value(QStringLiteral("message")).toString().isEmpty());
    }
    // What was allowed happened, what was refused did not.
    if (verb == "DELETE") {
        QCOMPARE(catalogOf(*m_server).file(file).ok(), status != 200);
        QCOMPARE(QFile::exists(m_dir.filePath(QStringLiteral("%1.mp4").arg(file))), status != 200);
        QCOMPARE(QFile::exists(m_dir.filePath(QStringLiteral("%1/cover.jpg").arg(file))), status != 200);
    }
    // Leave no recording running for the next row.
    (void)m_server->stopRecordingFor(QStringLiteral("alice"), kRoom);
}

void TestAuthorization::listingsShowOwnFilesOnly()
{
    auto idsIn = [](const HttpReply &reply) {
        QStringList ids;
        for (const QJsonValue &v : reply.json().value(QStringLiteral("files")).toArray())
            ids << v.toObject().value(QStringLiteral("userId")).toString();
        ids.removeDuplicates();
        ids.sort();
        return ids;
    };
    const quint16 port = m_server->httpPort();
    QCOMPARE(idsIn(rawRequest(port, "GET", QStringLiteral("/api/v1/files"), auth(Caller::Own))), QStringList{QStringLiteral("alice")});
    QCOMPARE(idsIn(rawRequest(port, "GET", QStringLiteral("/api/v1/files"), auth(Caller::Other))), QStringList{QStringLiteral("bob")});
    QCOMPARE(idsIn(rawRequest(port, "GET", QStringLiteral("/api/v1/files"), auth(Caller::Admin))),
             (QStringList{QStringLiteral("alice"), QStringLiteral("bob")}));
    // By file name: bob finds none of alice's files.
    QCOMPARE(rawRequest(port, "GET", QStringLiteral("/api/v1/playinfo?fileName=alice-lesson"), auth(Caller::Other))
                 .json().value(QStringLiteral("files")).toArray().size(), 0);
}

void TestAuthorization::signedPlayUrls()
{
    const quint16 port = m_server->httpPort();
    const HttpReply info = rawRequest(port, "GET", QStringLiteral("/api/v1/files/%1").arg(m_aliceFile), auth(Caller::Own));
    QCOMPARE(info.status, 200);
    const QString playUrl = info.json().value(QStringLiteral("playUrl")).toString();
    QVERIFY2(playUrl.startsWith(QStringLiteral("/media/%1.mp4?expires=").arg(m_aliceFile)), qPrintable(playUrl));
    // No token needed: the URL is the credential, for that one file.
    const HttpReply played = rawRequest(port, "GET", playUrl, {});
    QCOMPARE(played.status, 200);
    QCOMPARE(played.body.size(), 4096);
    QString otherFile = playUrl;
    otherFile.replace(QStringLiteral("/media/%1.mp4").arg(m_aliceFile), QStringLiteral("/media/%1.mp4").arg(m_bobFile));
    HttpReply reply = rawRequest(port, "GET", otherFile, {});
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.json().value(QStringLiteral("code")).toInt(), int(ErrorCode::SignatureInvalid));
    QString longer = playUrl;
    longer.replace(QRegularExpression(QStringLiteral("expires=\\d+")), QStringLiteral("expires=9999999999"));
    QCOMPARE(rawRequest(port, "GET", longer, {}).status, 401);
    // Past its expiry (same key, a URL made to have expired already).
    const MediaUrlSigner pastSigner("media-url:" + kSecret, -10);
    reply = rawRequest(port, "GET", pastSigner.url(m_aliceFile, QDateTime::currentDateTimeUtc()), {});
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.json().value(QStringLiteral("code")).toInt(), int(ErrorCode::SignatureExpired));
}

void TestAuthorization::queryTokenOnlyOnMedia()
{
    const QString query = QStringLiteral("?token=") + QString::fromLatin1(QUrl::toPercentEncoding(QString::fromLatin1(token(Caller::Own))));
    const quint16 port = m_server->httpPort();
    QCOMPARE(rawRequest(port, "GET", QStringLiteral("/media/%1.mp4").arg(m_aliceFile) + query, {}).status, 200);
    const HttpReply api = rawRequest(port, "GET", QStringLiteral("/api/v1/files") + query, {});
    QCOMPARE(api.status, 401);
    QCOMPARE(api.json().value(QStringLiteral("code")).toInt(), int(ErrorCode::SignatureMissing));
}

void TestAuthorization::browserCannotDriveTheLoopbackApi_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<bool>("withToken");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("code");
    const int forbidden = int(ErrorCode::ForbiddenOrigin);
    QTest::newRow("the app's own call") << QByteArray("GET") << QByteArray("127.0.0.1") << QByteArray() << true << 200 << 0;
    QTest::newRow("localhost by name") << QByteArray("GET") << QByteArray("localhost") << QByteArray() << true << 200 << 0;
    QTest::newRow("no token") << QByteArray("GET") << QByteArray("127.0.0.1") << QByteArray() << false << 401
                              << int(ErrorCode::SignatureMissing);
    QTest::newRow("DNS rebinding: foreign Host") << QByteArray("GET") << QByteArray("attacker.example") << QByteArray() << true
                                                 << 403 << forbidden;
    QTest::newRow("cross-site text/plain POST") << QByteArray("POST") << QByteArray("127.0.0.1") << QByteArray("http://attacker.example")
                                                << false << 403 << forbidden;
    QTest::newRow("cross-site DELETE with a stolen token") << QByteArray("DELETE") << QByteArray("127.0.0.1")
                                                           << QByteArray("http://attacker.example") << true << 403 << forbidden;
    QTest::newRow("opaque origin") << QByteArray("GET") << QByteArray("127.0.0.1") << QByteArray("null") << true << 403 << forbidden;
}

void TestAuthorization::browserCannotDriveTheLoopbackApi()
{
    QFETCH(QByteArray, verb);
    QFETCH(QByteArray, host);
    QFETCH(QByteArray, origin);
    QFETCH(bool, withToken);
    QFETCH(int, status);
    QFETCH(int, code);
    // As the desktop app's embedded server: no secret, a random per-run access token.
    QTemporaryDir dir;
    ServerConfig config;
    config.httpAccessToken = "0123456789abcdef0123456789abcdef";
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    QList<QPair<QByteArray, QByteArray>> headers;
    if (withToken)
        headers << qMakePair(QByteArray("Authorization"), "Bearer " + config.httpAccessToken);
    if (!origin.isEmpty())
        headers << qMakePair(QByteArray("Origin"), origin);
    headers << qMakePair(QByteArray("Content-Type"), QByteArray("text/plain"));
    const QString path = verb == "POST" ? QStringLiteral("/api/v1/recordings/stop")
                         : verb == "DELETE" ? QStringLiteral("/api/v1/files/1") : QStringLiteral("/api/v1/files");
    const HttpReply reply = rawRequest(server->httpPort(), verb, path, headers,
                                       verb == "POST" ? QByteArray(R"({"userId":"host","relationId":1,"roomId":1})") : QByteArray(),
                                       host + ':' + QByteArray::number(server->httpPort()));
    QCOMPARE(reply.status, status);
    if (code)
        QCOMPARE(reply.json().value(QStringLiteral("code")).toInt(), code);
}

void TestAuthorization::protocolRequests_data()
{
    QTest::addColumn<Caller>("caller");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QCborMap>("fields");
    QTest::addColumn<int>("signInCode"); // 0: signed in
    QTest::addColumn<int>("code");       // 0: success
    const QCborMap room{{QStringLiteral("relationId"), 15000}, {QStringLiteral("roomId"), 9}};
    QCborMap newRoom{{QStringLiteral("relationId"), 15000}, {QStringLiteral("roomId"), 77}};
    QCborMap start = room;
    start.insert(QStringLiteral("param"), SyncClient::param(QStringLiteral("matrix")).toCbor());
    const QCborMap bobsFiles{{QStringLiteral("userId"), QStringLiteral("bob")}};
    const int ok = 0, privilege = int(ErrorCode::PrivilegeMissing), notOwner = int(ErrorCode::NotFileOwner),
              noRecord = int(ErrorCode::NoPermissionForRecording), notInRoom = int(ErrorCode::NotInRoom),
              notRecording = int(ErrorCode::NotRecording);
    struct Request {
        const char *name;
        QString type;
        QCborMap fields;
        int own, admin, joinOnly; // answers for alice (all), backend (admin,record), alice (join only)
    };
    const QList<Request> requests = {
        {"createRoom", QStringLiteral("createRoom"), newRoom, ok, privilege, privilege},
        {"joinRoom", QStringLiteral("joinRoom"), room, ok, privilege, ok},
        {"startRecording (not in the room)", QStringLiteral("startRecording"), start, notInRoom, notInRoom, noRecord},
        {"stopRecording (nothing running)", QStringLiteral("stopRecording"), room, notRecording, notRecording, notRecording},
        {"fileInfo of own file", QStringLiteral("fileInfo"), QCborMap{{QStringLiteral("fileId"), QString::number(m_aliceFile)}}, ok, ok, ok},
        {"fileInfo of bob's file", QStringLiteral("fileInfo"), QCborMap{{QStringLiteral("fileId"), QString::number(m_bobFile)}}, notOwner, ok, notOwner},
        {"listFiles of bob", QStringLiteral("listFiles"), bobsFiles, notOwner, ok, notOwner},
        {"listFiles", QStringLiteral("listFiles"), QCborMap(), ok, ok, ok},
    };
    const QList<QPair<Caller, int>> refused = {{Caller::Other, int(ErrorCode::SignatureInvalid)},
                                               {Caller::Expired, int(ErrorCode::SignatureExpired)},
                                               {Caller::Forged, int(ErrorCode::SignatureInvalid)},
                                               {Caller::None, int(ErrorCode::SignatureMissing)}};
    for (const Request &r : requests) {
        QTest::addRow("%s, own", r.name) << Caller::Own << r.type << r.fields << 0 << r.own;
        QTest::addRow("%s, admin", r.name) << Caller::Admin << r.type << r.fields << 0 << r.admin;
        QTest::addRow("%s, join only", r.name) << Caller::NoRecord << r.type << r.fields << 0 << r.joinOnly;
        for (const auto &[caller, signInCode] : refused)
            QTest::addRow("%s, refused sign-in %d", r.name, signInCode)
                << caller << r.type << r.fields << signInCode << int(ErrorCode::NotSignedIn);
    }
}

void TestAuthorization::protocolRequests()
{
    QFETCH(Caller, caller);
    QFETCH(QString, type);
    QFETCH(QCborMap, fields);
    QFETCH(int, signInCode);
    QFETCH(int, code);
    RawPeer peer;
    QVERIFY(peer.connect(m_server->port()));
    peer.send(ControlMessage(QStringLiteral("hello"), 1, {{QStringLiteral("version"), protocol::kVersion}}));
    QVERIFY(peer.receiveType(QStringLiteral("result")));
    // "Other": alice signing in with bob's signature.
    QCborMap signIn{{QStringLiteral("userId"), caller == Caller::Admin ? QStringLiteral("backend") : QStringLiteral("alice")}};
    if (caller != Caller::None)
        signIn.insert(QStringLiteral("signature"), QString::fromLatin1(token(caller)));
    peer.send(ControlMessage(QStringLiteral("signIn"), 2, signIn));
    auto signedIn = peer.receiveType(QStringLiteral("result"));
    QVERIFY(signedIn);
    QCOMPARE(signedIn->isOk() ? 0 : signedIn->error().code, signInCode);
    peer.send(ControlMessage(type, 3, fields));
    auto answer = peer.receiveType(QStringLiteral("result"));
    QVERIFY(answer);
    QCOMPARE(answer->isOk() ? 0 : answer->error().code, code);
    if (code == 0 && type == QLatin1String("listFiles")) {
        // What a user lists is theirs (alice); an admin sees what it asked for.
        for (const QCborValue &f : answer->value().toMap().value(QStringLiteral("files")).toArray()) {
            const QString owner = f.toMap().value(QStringLiteral("userId")).toString();
            QVERIFY2(caller == Caller::Admin || owner == QStringLiteral("alice"), qPrintable(owner));
        }
    }
}

void TestAuthorization::protocolFileRequests()
{
    SyncClient bob;
    QVERIFY(bob.connect(m_server->port(), QStringLiteral("bob"), QString::fromLatin1(token(Caller::Other))).ok());
    auto foreign = bob.fileInfo(m_aliceFile);
    QVERIFY(!foreign.ok());
    QCOMPARE(foreign.error().code, int(ErrorCode::NotFileOwner));
    QVERIFY(bob.fileInfo(m_bobFile).ok());
    FileFilter aliceFiles;
    aliceFiles.userId = QStringLiteral("alice");
    auto listed = bob.listFiles(aliceFiles);
    QVERIFY(!listed.ok());
    QCOMPARE(listed.error().code, int(ErrorCode::NotFileOwner));
    auto own = bob.listFiles(FileFilter{});
    QVERIFY(own.ok());
    for (const FileRecord &r : own.value())
        QCOMPARE(r.userId, QStringLiteral("bob"));

    SyncClient backend;
    QVERIFY(backend.connect(m_server->port(), QStringLiteral("backend"), QString::fromLatin1(token(Caller::Admin))).ok());
    QVERIFY(backend.fileInfo(m_aliceFile).ok());
    auto all = backend.listFiles(aliceFiles);
    QVERIFY(all.ok());
    QVERIFY(!all.value().isEmpty());
}

void TestAuthorization::expiryCheckedOnEveryRequestRecordingGoesOn()
{
    // carol's signature runs out while she records; her requests are refused from then on,
    // her recording is not cut.
    const RoomInfo room{15000, 10};
    SyncClient carol;
    const QDateTime expiresAt = QDateTime::currentDateTimeUtc().addSecs(3);
    const QByteArray shortLived = UserSignature::sign(kSecret, QStringLiteral("carol"), expiresAt, UserSignature::All);
    QVERIFY(carol.connect(m_server->port(), QStringLiteral("carol"), QString::fromLatin1(shortLived)).ok());
    QVERIFY(carol.createRoom(room).ok());
    QVERIFY(carol.publish(Track::CameraVideo, QSize(320, 180), 15, 15).ok());
    QVERIFY(carol.startRecording(room, SyncClient::param(QStringLiteral("expiring"))).ok());
    QTRY_VERIFY_WITH_TIMEOUT(!carol.listFiles(FileFilter{}).ok(), 10'000);
    auto refused = carol.listFiles(FileFilter{});
    QCOMPARE(refused.error().code, int(ErrorCode::SignatureExpired));
    auto stopRefused = carol.stopRecording(room);
    QVERIFY(!stopRefused.ok());
    QCOMPARE(stopRefused.error().code, int(ErrorCode::SignatureExpired));
    // Still recording; a fresh signature on a new connection stops it and gets the files.
    FileFilter carols;
    carols.userId = QStringLiteral("carol");
    auto running = catalogOf(*m_server).files(carols);
    QVERIFY(running.ok());
    QCOMPARE(running.value().size(), 1);
    QCOMPARE(running.value().first().state, FileRecord::State::Recording);
    // Every frame she sent went on being recorded: stop her capture, then count.
    carol.stopPublishing();
    const qint64 sent = carol.client().recordedFramesSent();
    QVERIFY(sent > 0);
    SyncClient carolAgain;
    QVERIFY(carolAgain.connect(m_server->port(), QStringLiteral("carol"), QString::fromLatin1(UserSignature::sign(
        kSecret, QStringLiteral("carol"), QDateTime::currentDateTimeUtc().addSecs(600), UserSignature::All))).ok());
    auto ids = carolAgain.stopRecording(room);
    QVERIFY2(ids.ok(), qPrintable(ids ? QString() : ids.error().toString()));
    QCOMPARE(ids.value().size(), 1);
    m_server->waitForFinalizedFiles();
    auto file = catalogOf(*m_server).file(ids.value().first().toULongLong());
    QVERIFY(file.ok());
    // The file runs past the moment the signature expired.
    QVERIFY2(file->endedAt >= QDateTime::fromSecsSinceEpoch(expiresAt.toSecsSinceEpoch(), Qt::UTC), qPrintable(file->endedAt.toString(Qt::ISODateWithMs)));
    const Mp4Report report = Mp4Inspector::inspect(file->storagePath);
    QVERIFY2(report.opened, qPrintable(report.error));
    QCOMPARE(report.decodeErrors, 0);
    QVERIFY2(qAbs(report.videoFramesDecoded - sent) <= 1,
             qPrintable(QStringLiteral("%1 sent, %2 in the file").arg(sent).arg(report.videoFramesDecoded)));
}

QTEST_GUILESS_MAIN(TestAuthorization)
#include "tst_authorization.moc"
