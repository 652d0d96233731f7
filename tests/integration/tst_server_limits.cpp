// What one connection may cost the server (docs/protocol.md "Limits", docs/http-api.md
// "Limits"): connection caps, the sign-in deadline, clients that never read, floods of bad
// requests, publishers that never send a key frame, and on the HTTP port endless headers,
// huge bodies and trickling clients. Each time the server answers with a code, its memory
// stays bounded and a normal user can still connect and record.
#include "mp4inspector.h"
#include "rawpeer.h"
#include "syncclient.h"
#include "catalogprobe.h"
#include "testserver.h"

#include "protocol/errorcode.h"
#include "protocol/frame.h"
#include "protocol/mediapacket.h"
#include "protocol/protocollimits.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

namespace {
ControlMessage hello(quint64 id)
{
    return ControlMessage(QStringLiteral("hello"), id, {{QStringLiteral("version"), protocol::kVersion}});
}

ControlMessage signIn(quint64 id, const QString &user)
{
    return ControlMessage(QStringLiteral("signIn"), id, {{QStringLiteral("userId"), user}});
}

qint64 residentKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return 0;
}

// A normal user records two seconds while the server is under whatever the test does.
void aNormalUserStillRecords(RoomServer &server, const RoomInfo &room)
{
    SyncClient user;
    QVERIFY(user.enterAndPublish(server.port(), QStringLiteral("normal"), room, QSize(320, 180), 15, 15).ok());
    QVERIFY(user.startRecording(room, SyncClient::param(QStringLiteral("normal"))).ok());
    QVERIFY(user.recordFrames(20));
    auto ids = user.stopRecording(room);
    QVERIFY(ids.ok());
    QCOMPARE(ids.value().size(), 1);
    server.waitForFinalizedFiles();
    const Mp4Report report = Mp4Inspector::inspect(catalogOf(server).file(ids.value().first().toULongLong())->storagePath);
    QVERIFY2(report.opened, qPrintable(report.error));
    QVERIFY(report.videoFramesDecoded > 5);
    QCOMPARE(report.decodeErrors, 0);
}

// Raw HTTP for the HTTP-port cases: bytes written as given, the answer read as it comes.
struct RawHttp {
    QTcpSocket socket;
    QByteArray received;
    bool open(quint16 port)
    {
        socket.connectToHost(QHostAddress::LocalHost, port);
        return QTest::qWaitFor([this] { return socket.state() == QAbstractSocket::ConnectedState; }, 3000);
    }
    void write(const QByteArray &bytes)
    {
        socket.write(bytes);
        socket.flush();
    }
    // Waits until the server closes the connection; returns the status code it sent, if any.
    int statusWhenClosed(int timeoutMs)
    {
        (void)QTest::qWaitFor([this] { // the state is read below either way
            received += socket.readAll();
            return socket.state() == QAbstractSocket::UnconnectedState;
        }, timeoutMs);
        received += socket.readAll();
        return socket.state() == QAbstractSocket::UnconnectedState ? received.mid(9, 3).toInt() : -1;
    }
    // Waits for one whole answer (head and Content-Length bytes); returns its status.
    int statusOfAnswer(int timeoutMs)
    {
        const bool complete = QTest::qWaitFor([this] {
            received += socket.readAll();
            const qsizetype end = received.indexOf("\r\n\r\n");
            if (end < 0)
                return false;
            const QByteArray head = received.left(end).toLower();
            const qsizetype at = head.indexOf("content-length:");
            const qint64 length = at < 0 ? 0 : head.mid(at + 15, head.indexOf("\r\n", at) - at - 15).trimmed().toLongLong();
            return received.size() - end - 4 >= length;
        }, timeoutMs);
        return complete ? received.mid(9, 3).toInt() : -1;
    }
    int code() const
    {
        const qsizetype body = received.indexOf("\r\n\r\n");
        return QJsonDocument::fromJson(received.mid(body + 4)).object().value(QStringLiteral("code")).toInt();
    }
};
} // namespace

class TestServerLimits : public QObject {
    Q_OBJECT
private slots:
    void connectionCapAnswersServerBusy();
    void signInDeadline();
    void thousandsOfIdleConnections();
    void clientThatNeverReadsIsDropped();
    void badRequestsCountTowardTheLimit_data();
    void badRequestsCountTowardTheLimit();
    void publisherWithoutKeyFrames();
    void httpAbuse_data();
    void httpAbuse();
    void httpConnectionCap();
};

void TestServerLimits::connectionCapAnswersServerBusy()
{
    QTemporaryDir dir;
    ServerConfig config;
    config.maxConnections = 5;
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    std::vector<std::unique_ptr<RawPeer>> peers;
    for (int i = 0; i < 5; ++i) {
        peers.push_back(std::make_unique<RawPeer>());
        QVERIFY(peers.back()->connect(server->port()));
    }
    QTRY_COMPARE(server->sessionCount(), 5);
    RawPeer late;
    late.connect(server->port()); // it may be answered and closed before it sees "connected"
    auto busy = late.receiveType(QStringLiteral("error"));
    QVERIFY(busy);
    QCOMPARE(int(busy->integer(QStringLiteral("code"), 0, INT_MAX).value()), int(ErrorCode::ServerBusy));
    QVERIFY(late.waitForDisconnect(3000));
    QCOMPARE(server->sessionCount(), 5);
    // A slot frees, a newcomer gets in.
    peers.front().reset();
    QTRY_COMPARE(server->sessionCount(), 4);
    RawPeer next;
    QVERIFY(next.connect(server->port()));
    next.send(hello(1));
    auto answer = next.receiveType(QStringLiteral("result"));
    QVERIFY(answer && answer->isOk());
}

void TestServerLimits::signInDeadline()
{
    QTemporaryDir dir;
    ServerConfig config;
    config.signInTimeoutMs = 400;
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    RawPeer lingering, prompt;
    QVERIFY(lingering.connect(server->port()));
    QVERIFY(prompt.connect(server->port()));
    lingering.send(hello(1)); // hello, but never signIn
    prompt.send(hello(1));
    prompt.send(signIn(2, QStringLiteral("prompt")));
    auto dropped = lingering.receiveType(QStringLiteral("error"), 5000);
    QVERIFY(dropped);
    QCOMPARE(int(dropped->integer(QStringLiteral("code"), 0, INT_MAX).value()), int(ErrorCode::SignInTimeout));
    QVERIFY(lingering.waitForDisconnect(3000));
    // The one that signed in stays (it pings to stay alive).
    prompt.send(ControlMessage(QStringLiteral("ping"), 3, {}));
    QTRY_COMPARE(server->sessionCount(), 1);
    QCOMPARE(prompt.socket().state(), QAbstractSocket::ConnectedState);
}

void TestServerLimits::thousandsOfIdleConnections()
{
    QTemporaryDir dir;
    ServerConfig config;
    config.signInTimeoutMs = 120'000; // they stay until the test is done with them
    config.deadPeerMs = 120'000;
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    const qint64 before = residentKiB();
    constexpr int kIdle = 1500;
    std::vector<std::unique_ptr<QTcpSocket>> idle;
    for (int i = 0; i < kIdle; ++i) {
        idle.push_back(std::make_unique<QTcpSocket>());
        idle.back()->connectToHost(QHostAddress::LocalHost, server->port());
    }
    QTRY_COMPARE_WITH_TIMEOUT(server->sessionCount(), kIdle, 30'000);
    const qint64 grown = residentKiB() - before;
    // Both ends of every connection live in this process; still a few KiB each.
    QVERIFY2(grown < 64 * 1024, qPrintable(QStringLiteral("%1 KiB for %2 idle connections").arg(grown).arg(kIdle)));
    aNormalUserStillRecords(*server, RoomInfo{1, 1});
}

void TestServerLimits::clientThatNeverReadsIsDropped()
{
    QTemporaryDir dir;
    ServerConfig config;
    config.maxUnsentBytes = 256 * 1024;
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    // A library big enough that each listing is a large answer.
    for (int i = 0; i < 300; ++i) {
        FileRecord r;
        r.id = 5000 + i;
        r.name = QStringLiteral("lesson-with-a-long-name-%1").arg(i);
        r.userId = QStringLiteral("reader");
        r.tags = {QStringLiteral("tag-one"), QStringLiteral("tag-two")};
        r.state = FileRecord::State::Complete;
        r.startedAt = QDateTime::currentDateTimeUtc();
        r.storagePath = dir.filePath(QStringLiteral("x%1.mp4").arg(i));
        QVERIFY(catalogOf(*server).insert(r).ok());
    }
    RawPeer reader;
    QVERIFY(reader.connect(server->port()));
    reader.send(hello(1));
    reader.send(signIn(2, QStringLiteral("reader")));
    QVERIFY(reader.receiveType(QStringLiteral("result")));
    QVERIFY(reader.receiveType(QStringLiteral("result")));
    reader.socket().setReadBufferSize(1); // from now on it reads (almost) nothing
    QTRY_COMPARE(server->sessionCount(), 1);
    for (int i = 0; i < 400; ++i)
        reader.send(ControlMessage(QStringLiteral("listFiles"), 10 + i, {}));
    QTRY_COMPARE_WITH_TIMEOUT(server->sessionCount(), 0, 20'000);
    aNormalUserStillRecords(*server, RoomInfo{1, 2});
}

void TestServerLimits::badRequestsCountTowardTheLimit_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QCborMap>("fields");
    QTest::addColumn<bool>("dropped");
    QTest::newRow("unknown type") << QStringLiteral("noSuchRequest") << QCborMap() << true;
    QTest::newRow("wrong field type") << QStringLiteral("joinRoom")
                                      << QCborMap{{QStringLiteral("relationId"), QStringLiteral("x")}, {QStringLiteral("roomId"), 1}}
                                      << true;
    // Refusals for the server's own reasons are not abuse: the connection stays.
    QTest::newRow("not in room (a rule, not malformed)") << QStringLiteral("leaveRoom") << QCborMap() << false;
}

void TestServerLimits::badRequestsCountTowardTheLimit()
{
    QFETCH(QString, type);
    QFETCH(QCborMap, fields);
    QFETCH(bool, dropped);
    QTemporaryDir dir;
    auto server = startTestServer(dir.path(), {});
    QVERIFY(server);
    RawPeer peer;
    QVERIFY(peer.connect(server->port()));
    peer.send(hello(1));
    peer.send(signIn(2, QStringLiteral("sender")));
    for (int i = 0; i < 80; ++i)
        peer.send(ControlMessage(type, 10 + i, fields));
    if (dropped) {
        QVERIFY(peer.waitForDisconnect(10'000));
    } else {
        peer.send(ControlMessage(QStringLiteral("ping"), 500, {}));
        QVERIFY(QTest::qWaitFor([&] {
            auto m = peer.receive(100);
            return m && m->type() == QLatin1String("result") && m->id() == 500;
        }, 10'000));
        QCOMPARE(peer.socket().state(), QAbstractSocket::ConnectedState);
    }
}

void TestServerLimits::publisherWithoutKeyFrames()
{
    QTemporaryDir dir;
    ServerConfig config;
    config.keyFrameTimeoutMs = 800;
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    RawPeer publisher;
    QVERIFY(publisher.connect(server->port()));
    publisher.send(hello(1));
    publisher.send(signIn(2, QStringLiteral("nokeys")));
    const RoomInfo room{3, 3};
    publisher.send(ControlMessage(QStringLiteral("createRoom"), 3, {{QStringLiteral("relationId"), 3}, {QStringLiteral("roomId"), 3}}));
    VideoParams video;
    video.width = 320;
    video.height = 180;
    video.frameRateNum = 30;
    video.frameRateDen = 1;
    // avcC: one (made-up) SPS and one PPS.
    video.extradata = QByteArray("\x01\x42\xc0\x1e\xff\xe1\x00\x04\x67\x42\xc0\x1e\x01\x00\x02\x68\xce", 17);
    publisher.send(ControlMessage(QStringLiteral("publish"), 4, {{QStringLiteral("track"), 0}, {QStringLiteral("video"), video.toCbor()}}));
    publisher.send(ControlMessage(QStringLiteral("startRecording"), 5,
                                  {{QStringLiteral("relationId"), 3}, {QStringLiteral("roomId"), 3},
                                   {QStringLiteral("param"), SyncClient::param(QStringLiteral("nokeys")).toCbor()}}));
    for (int id = 1; id <= 5; ++id) {
        auto answer = publisher.receiveType(QStringLiteral("result"));
        QVERIFY2(answer && answer->isOk(), answer ? qPrintable(answer->error().toString()) : "no answer");
    }
    // Media keeps coming, never a key frame: the recording ends with KeyFrameTimeout.
    std::optional<ControlMessage> ended;
    for (int i = 0; i < 150 && !ended; ++i) {
        MediaPacket p;
        p.track = Track::CameraVideo;
        p.ptsUs = p.dtsUs = i * 33'333;
        p.durationUs = 33'333;
        p.data = QByteArray("\x00\x00\x00\x01\x41\x9a", 6);
        publisher.sendRaw(Frame{FrameKind::Media, p.encode()}.encode());
        auto m = publisher.receive(33);
        if (m && m->type() == QLatin1String("recordingEnded"))
            ended = m;
    }
    QVERIFY(ended);
    QCOMPARE(int(ended->integer(QStringLiteral("code"), 0, INT_MAX).value()), int(ErrorCode::KeyFrameTimeout));
    QCOMPARE(ended->fields().value(QStringLiteral("fileIds")).toArray().size(), 0);
    // The channel is free again.
    publisher.send(ControlMessage(QStringLiteral("recordingResult"), 6, {{QStringLiteral("relationId"), 3}, {QStringLiteral("roomId"), 3}}));
    auto result = publisher.receiveType(QStringLiteral("result"));
    QVERIFY(result && result->isOk());
    QCOMPARE(result->value().toMap().value(QStringLiteral("recording")).toBool(), false);
    Q_UNUSED(room);
}

void TestServerLimits::httpAbuse_data()
{
    QTest::addColumn<QByteArray>("opening");  // written at once
    QTest::addColumn<QByteArray>("trickle");  // then one byte at a time, every 50 ms, forever
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("code");
    const QByteArray get = "GET /api/v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    QTest::newRow("endless header") << get + "X-Pad: " + QByteArray(64 * 1024, 'a') << QByteArray() << 431
                                    << int(ErrorCode::RequestTooLarge);
    QTest::newRow("huge Content-Length") << QByteArray("POST /api/v1/recordings/start HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 9000000000\r\n\r\n")
                                         << QByteArray() << 413 << int(ErrorCode::RequestTooLarge);
    QTest::newRow("chunked body") << QByteArray("POST /api/v1/recordings/start HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n")
                                  << QByteArray() << 411 << int(ErrorCode::RequestTooLarge);
    QTest::newRow("trickling head") << QByteArray("GET /api/v1/files HTTP/1.1\r\n") << QByteArray("X-Slow: 1\r\n") << 408
                                    << int(ErrorCode::RequestTimeout);
    QTest::newRow("trickling body") << QByteArray("POST /api/v1/recordings/start HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{")
                                    << QByteArray("a") << 408 << int(ErrorCode::RequestTimeout);
}

void TestServerLimits::httpAbuse()
{
    QFETCH(QByteArray, opening);
    QFETCH(QByteArray, trickle);
    QFETCH(int, status);
    QFETCH(int, code);
    QTemporaryDir dir;
    ServerConfig config;
    config.httpLimits.requestTimeoutMs = 1000;
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    const qint64 before = residentKiB();
    RawHttp client;
    QVERIFY(client.open(server->httpPort()));
    client.write(opening);
    QTimer drip;
    QObject::connect(&drip, &QTimer::timeout, &drip, [&] {
        if (client.socket.state() == QAbstractSocket::ConnectedState)
            client.write(trickle.isEmpty() ? QByteArray(4096, 'b') : trickle);
    });
    drip.start(50);
    QCOMPARE(client.statusWhenClosed(10'000), status);
    QCOMPARE(client.code(), code);
    QVERIFY2(residentKiB() - before < 32 * 1024, "the server buffered what it should have refused");
    // Meanwhile (and after) others are served.
    RawHttp other;
    QVERIFY(other.open(server->httpPort()));
    other.write("GET /api/v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QCOMPARE(other.statusOfAnswer(10'000), 200);
}

void TestServerLimits::httpConnectionCap()
{
    QTemporaryDir dir;
    ServerConfig config;
    config.httpLimits.maxConnections = 3;
    config.httpLimits.idleTimeoutMs = 1000;
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    std::vector<std::unique_ptr<RawHttp>> held;
    for (int i = 0; i < 3; ++i) {
        held.push_back(std::make_unique<RawHttp>());
        QVERIFY(held.back()->open(server->httpPort()));
    }
    QTRY_COMPARE(server->httpConnectionCount(), 3); // all three held before the fourth knocks
    RawHttp refused;
    QVERIFY(refused.open(server->httpPort()));
    QCOMPARE(refused.statusWhenClosed(5000), 503);
    // Idle connections are closed after the idle timeout, and the API is reachable again.
    for (auto &h : held)
        QVERIFY(h->statusWhenClosed(5000) != -1);
    RawHttp later;
    QVERIFY(later.open(server->httpPort()));
    later.write("GET /api/v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QCOMPARE(later.statusOfAnswer(5000), 200);
}

QTEST_GUILESS_MAIN(TestServerLimits)
#include "tst_server_limits.moc"
