// The recording contract's server-side rules, each over loopback against RoomServer.
#include "mp4inspector.h"
#include "rawpeer.h"
#include "syncclient.h"

#include "protocol/controlmessage.h"
#include "protocol/errorcode.h"
#include "protocol/frame.h"
#include "protocol/framedecoder.h"
#include "protocol/protocollimits.h"
#include "protocol/usersignature.h"
#include "serverprocess.h"
#include "catalogprobe.h"
#include "testserver.h"

#include <QProcess>

#ifdef Q_OS_UNIX
#include <csignal>
#endif
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

namespace {
const QByteArray kSecret("test-secret-0123456789");

QString signature(const QString &user, qint64 validSeconds, UserSignature::Privileges privileges = UserSignature::All)
{
    return QString::fromLatin1(UserSignature::sign(kSecret, user, QDateTime::currentDateTimeUtc().addSecs(validSeconds), privileges));
}
} // namespace

class TestServerRules : public QObject {
    Q_OBJECT
private slots:
    void refusesOpenAddressWithoutSecret();
    void unknownProtocolVersion();
    void requestsBeforeHelloOrSignIn_data();
    void requestsBeforeHelloOrSignIn();
    void signatures_data();
    void signatures();
    void noRecordPrivilege();
    void quotaRefusesStart();
    void quotaEndsRecordingCleanly();
    void deadPeerIsDropped();
    void clientNoticesADeadServer();
    void malformedCorpusGetsErrorsNotCrashes_data();
    void malformedCorpusGetsErrorsNotCrashes();
    void twentyClientsRecordAtOnce();
    void sigtermFinishesRecordings();
    void fullDiskEndsTheRecordingAndKeepsWhatWasWritten();

private:
};

void TestServerRules::refusesOpenAddressWithoutSecret()
{
    QTemporaryDir dir;
    ServerConfig config;
    config.address = QHostAddress::AnyIPv4;
    config.port = 0;
    config.httpPort = 0;
    config.dataDir = dir.path();
    RoomServer open(config);
    const Status s = open.start();
    QVERIFY(!s.ok());
    QVERIFY(s.error().message.contains(QStringLiteral("secret")));
    config.secret = kSecret;
    // The HTTP API beyond loopback wants TLS too, unless the operator says plain is fine.
    RoomServer noTls(config);
    const Status plain = noTls.start();
    QVERIFY(!plain.ok());
    QVERIFY2(plain.error().message.contains(QStringLiteral("TLS")), qPrintable(plain.error().message));
    config.allowPlainHttp = true;
    RoomServer secured(config);
    QVERIFY(secured.start().ok());
}

void TestServerRules::unknownProtocolVersion()
{
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    RawPeer peer;
    QVERIFY(peer.connect(server->port()));
    peer.send(ControlMessage(QStringLiteral("hello"), 1, {{QStringLiteral("version"), 99}}));
    auto reply = peer.receive();
    QVERIFY(reply);
    QVERIFY(!reply->isOk());
    QCOMPARE(reply->error().code, int(ErrorCode::UnsupportedProtocolVersion));
    QVERIFY(reply->error().message.contains(QStringLiteral("99")));
}

void TestServerRules::requestsBeforeHelloOrSignIn_data()
{
    QTest::addColumn<bool>("sayHello");
    QTest::addColumn<QString>("type");
    QTest::addColumn<int>("expected");
    QTest::newRow("join before hello") << false << "joinRoom" << int(ErrorCode::HelloRequired);
    QTest::newRow("join before sign-in") << true << "joinRoom" << int(ErrorCode::NotSignedIn);
    QTest::newRow("record before sign-in") << true << "startRecording" << int(ErrorCode::NotSignedIn);
    QTest::newRow("unknown type") << true << "fly" << int(ErrorCode::UnknownMessageType);
}

void TestServerRules::requestsBeforeHelloOrSignIn()
{
    QFETCH(bool, sayHello);
    QFETCH(QString, type);
    QFETCH(int, expected);
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    RawPeer peer;
    QVERIFY(peer.connect(server->port()));
    if (sayHello) {
        peer.send(ControlMessage(QStringLiteral("hello"), 1, {{QStringLiteral("version"), protocol::kVersion}}));
        QVERIFY(peer.receive()->isOk());
    }
    peer.send(ControlMessage(type, 2, {{QStringLiteral("relationId"), 1}, {QStringLiteral("roomId"), 1}}));
    auto reply = peer.receive();
    QVERIFY(reply);
    QCOMPARE(reply->id(), quint64(2));
    QCOMPARE(reply->error().code, expected);
}

void TestServerRules::signatures_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("token");
    QTest::addColumn<int>("expected");
    QTest::newRow("valid") << "alice" << signature(QStringLiteral("alice"), 600) << 0;
    QTest::newRow("missing") << "alice" << QString() << int(ErrorCode::SignatureMissing);
    QTest::newRow("expired") << "alice" << signature(QStringLiteral("alice"), -10) << int(ErrorCode::SignatureExpired);
    QTest::newRow("someone else's") << "mallory" << signature(QStringLiteral("alice"), 600) << int(ErrorCode::SignatureInvalid);
    QTest::newRow("forged") << "alice"
                            << QString::fromLatin1(UserSignature::sign("not-the-server-secret", QStringLiteral("alice"),
                                                                       QDateTime::currentDateTimeUtc().addSecs(600), UserSignature::All))
                            << int(ErrorCode::SignatureInvalid);
}

void TestServerRules::signatures()
{
    QFETCH(QString, user);
    QFETCH(QString, token);
    QFETCH(int, expected);
    QTemporaryDir dir;
    ServerConfig config;
    config.secret = kSecret;
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    SyncClient client;
    const Status s = client.connect(server->port(), user, token);
    QCOMPARE(s.ok() ? 0 : s.error().code, expected);
}

void TestServerRules::noRecordPrivilege()
{
    QTemporaryDir dir;
    ServerConfig config;
    config.secret = kSecret;
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    SyncClient guest;
    QVERIFY(guest.connect(server->port(), QStringLiteral("guest"),
                          signature(QStringLiteral("guest"), 600, UserSignature::CreateRoom | UserSignature::Join | UserSignature::Publish)).ok());
    const RoomInfo room{1, 1};
    QVERIFY(guest.createRoom(room).ok());
    QVERIFY(guest.publish(Track::CameraVideo).ok());
    const Status s = guest.startRecording(room, SyncClient::param(QStringLiteral("nope")));
    QVERIFY(!s.ok());
    QCOMPARE(s.error().code, int(ErrorCode::NoPermissionForRecording));
    QVERIFY(s.error().message.contains(QStringLiteral("no permission for recording")));
}

void TestServerRules::quotaRefusesStart()
{
    QTemporaryDir dir;
    ServerConfig config;
    config.quotaBytes = 100'000;
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    // A file the user already has fills the quota.
    FileRecord old;
    old.id = 1;
    old.name = QStringLiteral("old");
    old.userId = QStringLiteral("alice");
    old.sizeBytes = 150'000;
    old.state = FileRecord::State::Complete;
    old.startedAt = QDateTime::currentDateTimeUtc();
    old.storagePath = dir.filePath(QStringLiteral("old.mp4"));
    QVERIFY(catalogOf(*server).insert(old).ok());
    SyncClient alice;
    const RoomInfo room{1, 1};
    QVERIFY(alice.enterAndPublish(server->port(), QStringLiteral("alice"), room).ok());
    const Status s = alice.startRecording(room, SyncClient::param(QStringLiteral("full")));
    QVERIFY(!s.ok());
    QCOMPARE(s.error().code, int(ErrorCode::InsufficientStorageQuota));
    // Another user is not affected.
    SyncClient bob;
    QVERIFY(bob.connect(server->port(), QStringLiteral("bob")).ok());
    QVERIFY(bob.joinRoom(room).ok());
    QVERIFY(bob.publish(Track::CameraVideo).ok());
    QVERIFY(bob.startRecording(room, SyncClient::param(QStringLiteral("fine"))).ok());
}

void TestServerRules::quotaEndsRecordingCleanly()
{
    QTemporaryDir dir;
    ServerConfig config;
    config.quotaBytes = 200'000; // ~1.5 s of 640x360 at 1 Mbit/s
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    SyncClient alice;
    const RoomInfo room{1, 1};
    QVERIFY(alice.enterAndPublish(server->port(), QStringLiteral("alice"), room).ok());
    QSignalSpy ended(&alice.client(), &RoomClient::recordingEnded);
    QVERIFY(alice.startRecording(room, SyncClient::param(QStringLiteral("capped"))).ok());
    QTRY_VERIFY_WITH_TIMEOUT(ended.size() == 1, 15'000);
    QCOMPARE(ended.first().at(1).toString(), QStringLiteral("quota"));
    QCOMPARE(ended.first().at(2).toInt(), int(ErrorCode::InsufficientStorageQuota));
    const QStringList ids = ended.first().at(0).toStringList();
    QCOMPARE(ids.size(), 1);
    auto record = catalogOf(*server).file(ids.first().toULongLong());
    QVERIFY(record.ok());
    QCOMPARE(record->state, FileRecord::State::Complete);
    QCOMPARE(record->endReason, QStringLiteral("quota"));
    const Mp4Report mp4 = Mp4Inspector::inspect(record->storagePath);
    QCOMPARE(mp4.decodeErrors, 0);
    QVERIFY(mp4.videoFramesDecoded > 10);
    QVERIFY(!alice.client().isRecording());
    // Listed in the library, and the result query knows it.
    auto listed = catalogOf(*server).files(FileFilter{QStringLiteral("capped")});
    QCOMPARE(listed->size(), 1);
    auto result = alice.recordingResult(room);
    QVERIFY(result.ok());
    QCOMPARE(result->fileIds, ids);
}

void TestServerRules::deadPeerIsDropped()
{
    QTemporaryDir dir;
    ServerConfig config;
    config.deadPeerMs = 1000;
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    RawPeer silent;
    QVERIFY(silent.connect(server->port()));
    silent.send(ControlMessage(QStringLiteral("hello"), 1, {{QStringLiteral("version"), protocol::kVersion}}));
    QVERIFY(silent.receive());
    QElapsedTimer t;
    t.start();
    QVERIFY(silent.waitForDisconnect(5000));
    QVERIFY2(t.elapsed() < 3000, qPrintable(QString::number(t.elapsed())));
    // With the default 15 s, a client's 5 s pings keep it alive: see keepalive in docs/protocol.md.
    QCOMPARE(protocol::kDeadPeerMs, 15000);
    QVERIFY(protocol::kPingIntervalMs * 2 < protocol::kDeadPeerMs);
}

void TestServerRules::clientNoticesADeadServer()
{
#ifndef Q_OS_UNIX
    QSKIP("uses SIGSTOP");
#else
    QTemporaryDir dir;
    ServerProcess server;
    const quint16 port = server.start(QStringLiteral(ROOMREC_SERVER_BINARY), dir.path());
    QVERIFY(port != 0);
    SyncClient alice;
    alice.client().setKeepalive(200, 1000);
    QVERIFY(alice.connect(port, QStringLiteral("alice")).ok());
    QSignalSpy errors(&alice.client(), &RoomClient::errorOccurred);
    QTest::qWait(600);
    QVERIFY(errors.isEmpty()); // pings answered: alive
    ::kill(pid_t(server.process().processId()), SIGSTOP); // the server hangs (not even a FIN)
    QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), 5000);
    QCOMPARE(errors.first().at(0).toInt(), int(ErrorCode::ConnectionLost));
    QCOMPARE(alice.client().state(), ClientState::Disconnected);
    ::kill(pid_t(server.process().processId()), SIGCONT);
#endif
}

void TestServerRules::malformedCorpusGetsErrorsNotCrashes_data()
{
    QTest::addColumn<QString>("path");
    const QDir corpus(QStringLiteral(ROOMREC_SOURCE_DIR "/tests/corpus/frames"));
    const QStringList files = corpus.entryList(QDir::Files, QDir::Name);
    QVERIFY2(files.size() >= 10, "corpus missing");
    for (const QString &file : files)
        QTest::newRow(qPrintable(file)) << corpus.filePath(file);
}

void TestServerRules::malformedCorpusGetsErrorsNotCrashes()
{
    QFETCH(QString, path);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    // 1. The decoders never crash and either accept or give a code from the request range.
    FrameDecoder decoder;
    decoder.feed(bytes);
    for (int i = 0; i < 100; ++i) {
        auto next = decoder.next();
        if (!next.ok()) {
            QVERIFY(next.error().code >= 30000000 && next.error().code <= 30000099);
            break;
        }
        if (!next.value())
            break;
        auto control = ControlMessage::decode(next.value()->payload);
        auto media = MediaPacket::decode(next.value()->payload);
        Q_UNUSED(control);
        Q_UNUSED(media);
    }
    // 2. A live server takes it on one connection while another records undisturbed.
    static QTemporaryDir dir;
    static std::unique_ptr<RoomServer> server = startTestServer(dir.path());
    QVERIFY(server);
    RawPeer peer;
    QVERIFY(peer.connect(server->port()));
    peer.send(ControlMessage(QStringLiteral("hello"), 1, {{QStringLiteral("version"), protocol::kVersion}}));
    QVERIFY(peer.receive());
    peer.send(ControlMessage(QStringLiteral("signIn"), 2, {{QStringLiteral("userId"), QStringLiteral("fuzz")}}));
    QVERIFY(peer.receive());
    peer.sendRaw(bytes);
    QTest::qWait(20);
    SyncClient healthy;
    QVERIFY(healthy.connect(server->port(), QStringLiteral("healthy")).ok());
}

void TestServerRules::twentyClientsRecordAtOnce()
{
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    constexpr int kClients = 20;
    std::vector<std::unique_ptr<SyncClient>> clients;
    for (int i = 0; i < kClients; ++i) {
        auto c = std::make_unique<SyncClient>();
        const RoomInfo room{100, quint32(i % 4)}; // 4 rooms of 5
        QVERIFY(c->connect(server->port(), QStringLiteral("user%1").arg(i)).ok());
        QVERIFY(i < 4 ? c->createRoom(room).ok() : c->joinRoom(room).ok());
        // Small streams: 20 encoders share this machine's 2 cores with the server.
        QVERIFY(c->publish(Track::CameraVideo, QSize(320, 180), 15, 30).ok());
        clients.push_back(std::move(c));
    }
    for (int i = 0; i < kClients; ++i)
        QVERIFY(clients[i]->startRecording(RoomInfo{100, quint32(i % 4)}, SyncClient::param(QStringLiteral("many-%1").arg(i))).ok());
    QTest::qWait(3000);
    for (int i = 0; i < kClients; ++i) {
        auto ids = clients[i]->stopRecording(RoomInfo{100, quint32(i % 4)});
        QVERIFY(ids.ok());
        QCOMPARE(ids->size(), 1);
        server->waitForFinalizedFiles(); // files are finished on writer threads after the stop
        auto record = catalogOf(*server).file(ids->first().toULongLong());
        QCOMPARE(record->state, FileRecord::State::Complete);
        QCOMPARE(record->userId, QStringLiteral("user%1").arg(i));
        const Mp4Report mp4 = Mp4Inspector::inspect(record->storagePath);
        QCOMPARE(mp4.decodeErrors, 0);
        QVERIFY2(qAbs(mp4.videoFramesDecoded - clients[i]->client().recordedFramesSent()) <= 1,
                 qPrintable(QStringLiteral("client %1: decoded %2, sent %3").arg(i).arg(mp4.videoFramesDecoded)
                                .arg(clients[i]->client().recordedFramesSent())));
    }
}

void TestServerRules::sigtermFinishesRecordings()
{
#ifndef Q_OS_UNIX
    QSKIP("uses SIGTERM");
#else
    QTemporaryDir dir;
    ServerProcess serverProcess;
    const quint16 port = serverProcess.start(QStringLiteral(ROOMREC_SERVER_BINARY), dir.path());
    QVERIFY(port != 0);
    QProcess &server = serverProcess.process();
    SyncClient alice;
    const RoomInfo room{1, 1};
    QVERIFY(alice.enterAndPublish(port, QStringLiteral("alice"), room).ok());
    QSignalSpy ended(&alice.client(), &RoomClient::recordingEnded);
    QVERIFY(alice.startRecording(room, SyncClient::param(QStringLiteral("interrupted"))).ok());
    QTest::qWait(2000);
    server.terminate();
    QTRY_VERIFY_WITH_TIMEOUT(ended.size() == 1, 10'000); // the user is told, with the file IDs
    QCOMPARE(ended.first().at(1).toString(), QStringLiteral("shutdown"));
    QTRY_VERIFY_WITH_TIMEOUT(server.state() == QProcess::NotRunning, 10'000);
    if (server.exitCode() != 0)
        qWarning() << server.readAllStandardError();
    QCOMPARE(server.exitStatus(), QProcess::NormalExit);
    QCOMPARE(server.exitCode(), 0);
    Catalog catalog;
    QVERIFY(catalog.open(dir.filePath(QStringLiteral("catalog.sqlite"))).ok());
    auto record = catalog.file(ended.first().at(0).toStringList().first().toULongLong());
    QVERIFY(record.ok());
    QCOMPARE(record->state, FileRecord::State::Complete);
    QCOMPARE(record->endReason, QStringLiteral("shutdown"));
    const Mp4Report mp4 = Mp4Inspector::inspect(record->storagePath);
    QCOMPARE(mp4.decodeErrors, 0);
    QVERIFY(mp4.durationSeconds > 1.5);
#endif
}

void TestServerRules::fullDiskEndsTheRecordingAndKeepsWhatWasWritten()
{
#ifndef Q_OS_UNIX
    QSKIP("uses RLIMIT_FSIZE");
#else
    QTemporaryDir dir;
    ServerProcess server;
    // No file may pass 600 KiB: about 4 s of this stream, then writes fail like a full disk.
    const quint16 port = server.startWithFileSizeLimit(QStringLiteral(ROOMREC_SERVER_BINARY), dir.path(), 600);
    QVERIFY(port != 0);
    SyncClient alice;
    const RoomInfo room{1, 1};
    QVERIFY(alice.enterAndPublish(port, QStringLiteral("alice"), room).ok());
    QSignalSpy ended(&alice.client(), &RoomClient::recordingEnded);
    QVERIFY(alice.startRecording(room, SyncClient::param(QStringLiteral("full-disk"))).ok());
    QTRY_VERIFY_WITH_TIMEOUT(ended.size() == 1, 20'000);
    QCOMPARE(ended.first().at(2).toInt(), int(ErrorCode::StorageWriteFailed)); // a clear code, not a crash
    QVERIFY(!ended.first().at(3).toString().isEmpty());
    const QStringList ids = ended.first().at(0).toStringList();
    QCOMPARE(ids.size(), 1);
    QCOMPARE(server.process().state(), QProcess::Running);
    // What reached the disk is kept, catalogued and plays.
    auto record = alice.fileInfo(ids.first().toULongLong());
    QVERIFY(record.ok());
    QVERIFY(record->state == FileRecord::State::Recovered || record->state == FileRecord::State::Complete);
    const Mp4Report mp4 = Mp4Inspector::inspect(record->storagePath);
    QVERIFY2(mp4.opened, qPrintable(mp4.error));
    QCOMPARE(mp4.decodeErrors, 0);
    QVERIFY2(mp4.durationSeconds > 2.0, qPrintable(QString::number(mp4.durationSeconds)));
#endif
}

QTEST_GUILESS_MAIN(TestServerRules)
#include "tst_server_rules.moc"
