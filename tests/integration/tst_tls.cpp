// The protocol over TLS: a server with a certificate, clients that trust it (or not), and
// a plain-TCP client knocking at a TLS server.
#include "mp4inspector.h"
#include "syncclient.h"
#include "catalogprobe.h"
#include "testserver.h"

#include "protocol/errorcode.h"

#include <QSslSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

class TestTls : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void trustedClientRecords();
    void untrustedCertificateIsRefused();
    void plainClientAtTlsServerFails();
    void badCertificateFilesStopTheServer();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<RoomServer> m_server;
    QList<QSslCertificate> m_certificate;
};

void TestTls::initTestCase()
{
    if (!QSslSocket::supportsSsl())
        QSKIP("this Qt build has no TLS backend");
    ServerConfig config;
    config.tlsCertificateFile = QStringLiteral(ROOMREC_SOURCE_DIR "/tests/data/tls/server.crt");
    config.tlsKeyFile = QStringLiteral(ROOMREC_SOURCE_DIR "/tests/data/tls/server.key");
    m_server = startTestServer(m_dir.path(), config);
    QVERIFY(m_server);
    QVERIFY(m_server->isTls());
    m_certificate = QSslCertificate::fromPath(config.tlsCertificateFile);
    QCOMPARE(m_certificate.size(), 1);
}

void TestTls::trustedClientRecords()
{
    SyncClient alice;
    QVERIFY(alice.connectTls(m_server->port(), QStringLiteral("alice"), m_certificate).ok());
    const RoomInfo room{1, 1};
    QVERIFY(alice.createRoom(room).ok());
    QVERIFY(alice.publish(Track::CameraVideo).ok());
    QVERIFY(alice.startRecording(room, SyncClient::param(QStringLiteral("encrypted"))).ok());
    QTest::qWait(1500);
    auto ids = alice.stopRecording(room);
    QVERIFY(ids.ok());
    const Mp4Report mp4 = Mp4Inspector::inspect(catalogOf(*m_server).file(ids->first().toULongLong())->storagePath);
    QCOMPARE(mp4.decodeErrors, 0);
    QVERIFY(qAbs(mp4.videoFramesDecoded - alice.client().recordedFramesSent()) <= 1);
}

void TestTls::untrustedCertificateIsRefused()
{
    SyncClient mallory;
    const Status s = mallory.connectTls(m_server->port(), QStringLiteral("mallory"), {}); // self-signed: not trusted
    QVERIFY(!s.ok());
    QCOMPARE(s.error().code, int(ErrorCode::ConnectionFailed));
}

void TestTls::plainClientAtTlsServerFails()
{
    SyncClient plain;
    const Status s = plain.connect(m_server->port(), QStringLiteral("plain"));
    QVERIFY(!s.ok());
    QVERIFY(s.error().code == int(ErrorCode::ConnectionLost) || s.error().code == int(ErrorCode::ResponseTimeout)
            || s.error().code == int(ErrorCode::ConnectionFailed));
}

void TestTls::badCertificateFilesStopTheServer()
{
    QTemporaryDir dir;
    ServerConfig config;
    config.port = 0;
    config.httpPort = 0;
    config.dataDir = dir.path();
    config.tlsCertificateFile = dir.filePath(QStringLiteral("missing.crt"));
    config.tlsKeyFile = QStringLiteral(ROOMREC_SOURCE_DIR "/tests/data/tls/server.key");
    RoomServer server(config);
    const Status s = server.start();
    QVERIFY(!s.ok());
    QVERIFY(s.error().message.contains(QStringLiteral("certificate")));
}

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
