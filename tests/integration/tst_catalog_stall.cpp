// A catalogue database that stops answering must not stop the server: a real PostgreSQL
// server (started by the test) is frozen with SIGSTOP, postmaster and backends, while an
// in-process roomrec-server keeps a recording running and other clients come and go.
// Keepalives are answered, a new user joins and publishes, the recording gets every frame,
// catalogue requests queue up to the configured bound and beyond it get CatalogueBusy at
// once (protocol and HTTP); once the database is back the queued ones are answered.
#include "catalogprobe.h"
#include "mp4inspector.h"
#include "postgresserver.h"
#include "syncclient.h"
#include "testserver.h"

#include "protocol/errorcode.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSqlDatabase>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

class TestCatalogStall : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void serverGoesOnWhileTheDatabaseIsFrozen();

private:
    PostgresServer m_postgres;
};

void TestCatalogStall::initTestCase()
{
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        QSKIP("Qt's PostgreSQL driver (QPSQL) is not installed: Debian's libqt6sql6-psql, which scripts/deps.sh installs");
    if (const QString why = PostgresServer::unavailableReason(); !why.isEmpty())
        QSKIP(qPrintable(why));
    QVERIFY2(m_postgres.start(), qPrintable(m_postgres.errorString()));
}

void TestCatalogStall::serverGoesOnWhileTheDatabaseIsFrozen()
{
    const QString url = m_postgres.createDatabase(QStringLiteral("stall"));
    QVERIFY2(!url.isEmpty(), qPrintable(m_postgres.errorString()));
    QTemporaryDir dir;
    ServerConfig config;
    config.catalog = url;
    config.catalogQueue = 4;
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    const QString files = QStringLiteral("http://127.0.0.1:%1/api/v1/files").arg(server->httpPort());

    const RoomInfo room{7, 1};
    SyncClient alice;
    // A server that does not answer for 2 s would be reported lost.
    alice.client().setKeepalive(100, 2000);
    QVERIFY(alice.enterAndPublish(server->port(), QStringLiteral("alice"), room, QSize(320, 180), 15, 15).ok());
    QVERIFY(alice.startRecording(room, SyncClient::param(QStringLiteral("frozen"))).ok());
    QVERIFY(alice.recordFrames(15));
    // The segment's row is in the database before it freezes (the probe runs after its insert).
    FileFilter alices;
    alices.userId = QStringLiteral("alice");
    QTRY_COMPARE_WITH_TIMEOUT(catalogOf(*server).files(alices)->size(), 1, 10'000);
    int lost = 0;
    connect(&alice.client(), &RoomClient::stateChanged, this, [&](ClientState state) {
        if (state == ClientState::Disconnected)
            ++lost;
    });

    QVERIFY2(m_postgres.pause(), qPrintable(m_postgres.errorString()));
    // Catalogue-bound requests: one over HTTP and three on the protocol port fill the queue
    // (the first may already be on the catalogue's thread, waiting for the database).
    QNetworkAccessManager network;
    QNetworkReply *queuedHttp = network.get(QNetworkRequest(QUrl(files)));
    SyncClient carol;
    QVERIFY(carol.connect(server->port(), QStringLiteral("carol")).ok());
    QTRY_COMPARE_WITH_TIMEOUT(server->catalog().queuedRequests(), 1, 10'000);
    int answered = 0;
    QList<int> refusals;
    auto ask = [&] {
        carol.client().listFiles(FileFilter{}, [&](const QList<FileRecord> &) { ++answered; },
                                 [&](int code, const QString &) { refusals << code; });
    };
    for (int i = 0; i < 3; ++i)
        ask();
    QTRY_COMPARE_WITH_TIMEOUT(server->catalog().queuedRequests(), 4, 10'000);
    // Beyond the bound: refused at once, with its code, while the database is still frozen.
    for (int i = 0; i < 3; ++i)
        ask();
    QTRY_COMPARE_WITH_TIMEOUT(refusals.size(), 3, 10'000);
    QCOMPARE(refusals, (QList<int>{int(ErrorCode::CatalogueBusy), int(ErrorCode::CatalogueBusy), int(ErrorCode::CatalogueBusy)}));
    QNetworkReply *refusedHttp = network.get(QNetworkRequest(QUrl(files)));
    QTRY_VERIFY_WITH_TIMEOUT(refusedHttp->isFinished(), 10'000);
    QCOMPARE(refusedHttp->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 503);
    QCOMPARE(QJsonDocument::fromJson(refusedHttp->readAll()).object().value(QStringLiteral("code")).toInt(), int(ErrorCode::CatalogueBusy));

    // Meanwhile the network thread serves everyone else: a new user signs in, creates a
    // room and publishes; the recording goes on and alice's keepalives are answered.
    SyncClient bob;
    QVERIFY(bob.enterAndPublish(server->port(), QStringLiteral("bob"), RoomInfo{7, 2}, QSize(320, 180), 15, 15).ok());
    QVERIFY(alice.recordFrames(45));
    QCOMPARE(lost, 0);
    // Nothing catalogue-bound was answered while the database was frozen.
    QVERIFY(m_postgres.isPaused());
    QCOMPARE(answered, 0);
    QVERIFY(!queuedHttp->isFinished());
    QCOMPARE(server->catalog().queuedRequests(), 4);

    QVERIFY2(m_postgres.resume(), qPrintable(m_postgres.errorString()));
    QTRY_COMPARE_WITH_TIMEOUT(answered, 3, 20'000);
    QTRY_VERIFY_WITH_TIMEOUT(queuedHttp->isFinished(), 20'000);
    QCOMPARE(queuedHttp->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(server->catalog().queuedRequests(), 0);

    // Every frame sent is in the file.
    alice.stopPublishing();
    const qint64 sent = alice.client().recordedFramesSent();
    auto ids = alice.stopRecording(room);
    QVERIFY2(ids.ok(), qPrintable(ids ? QString() : ids.error().toString()));
    QCOMPARE(ids->size(), 1);
    server->waitForFinalizedFiles();
    auto record = catalogOf(*server).file(ids->first().toULongLong());
    QVERIFY(record.ok());
    QCOMPARE(record->state, FileRecord::State::Complete);
    const Mp4Report mp4 = Mp4Inspector::inspect(record->storagePath);
    QVERIFY2(mp4.opened, qPrintable(mp4.error));
    QCOMPARE(mp4.decodeErrors, 0);
    QVERIFY2(qAbs(mp4.videoFramesDecoded - sent) <= 1, qPrintable(QStringLiteral("%1 sent, %2 in the file").arg(sent).arg(mp4.videoFramesDecoded)));
    QCOMPARE(record->sizeBytes, QFileInfo(record->storagePath).size());
    QCOMPARE(lost, 0);
}

QTEST_GUILESS_MAIN(TestCatalogStall)
#include "tst_catalog_stall.moc"
