// The HTTP API for third-party backends, over loopback with QNetworkAccessManager:
// play info by file name and by file ID, listing, download with Range, delete, starting and
// stopping a user's recording, the webhook, and bearer-token checks.
#include "syncclient.h"
#include "catalogprobe.h"
#include "testserver.h"

#include "protocol/errorcode.h"
#include "protocol/usersignature.h"

#include <QHttpServer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

class TestHttpApi : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void recordThroughHttpAndFindTheFiles();
    void downloadWithRange_data();
    void downloadWithRange();
    void errorsHaveCodes_data();
    void errorsHaveCodes();
    void emptyFileDownloadsAsEmpty();
    void deleteRemovesFileAndRow();
    void bearerTokensWhenTheServerHasASecret();

private:
    struct Reply {
        int status = 0;
        QByteArray body;
        QByteArray contentRange;
        QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    };
    Reply request(const QByteArray &verb, const QString &path, const QByteArray &body = {},
                  const QList<QPair<QByteArray, QByteArray>> &headers = {}, quint16 port = 0);

    QTemporaryDir m_dir;
    std::unique_ptr<RoomServer> m_server;
    std::unique_ptr<SyncClient> m_alice;
    QNetworkAccessManager m_network;
    QHttpServer m_hookReceiver;
    QList<QJsonObject> m_hooks;
    QString m_fileId;
};

TestHttpApi::Reply TestHttpApi::request(const QByteArray &verb, const QString &path, const QByteArray &body,
                                        const QList<QPair<QByteArray, QByteArray>> &headers, quint16 port)
{
    QNetworkRequest r(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port ? port : m_server->httpPort()).arg(path)));
    r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    for (const auto &[k, v] : headers)
        r.setRawHeader(k, v);
    QNetworkReply *reply = m_network.sendCustomRequest(r, verb, body);
    QSignalSpy done(reply, &QNetworkReply::finished);
    done.wait(20'000);
    Reply out{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll(), reply->rawHeader("Content-Range")};
    reply->deleteLater();
    return out;
}

void TestHttpApi::initTestCase()
{
    m_hookReceiver.route(QStringLiteral("/hook"), QHttpServerRequest::Method::Post, [this](const QHttpServerRequest &r) {
        m_hooks << QJsonDocument::fromJson(r.body()).object();
        return QHttpServerResponse(QHttpServerResponder::StatusCode::Ok);
    });
    const quint16 hookPort = m_hookReceiver.listen(QHostAddress::LocalHost, 0);
    QVERIFY(hookPort);
    ServerConfig config;
    config.webhookUrl = QStringLiteral("http://127.0.0.1:%1/hook").arg(hookPort);
    m_server = startTestServer(m_dir.path(), config);
    QVERIFY(m_server);
    QVERIFY(m_server->httpPort() != 0);
    m_alice = std::make_unique<SyncClient>();
    QVERIFY(m_alice->connect(m_server->port(), QStringLiteral("alice")).ok());
    QVERIFY(m_alice->createRoom(RoomInfo{15000, 3}).ok());
    QVERIFY(m_alice->publish(Track::CameraVideo).ok());
}

void TestHttpApi::recordThroughHttpAndFindTheFiles()
{
    // A backend starts and stops alice's recording; alice only publishes.
    const QByteArray start = QJsonDocument(QJsonObject{
        {QStringLiteral("userId"), QStringLiteral("alice")}, {QStringLiteral("relationId"), 15000}, {QStringLiteral("roomId"), 3},
        {QStringLiteral("param"), QJsonObject{{QStringLiteral("fileName"), QStringLiteral("backend-lesson")},
                                              {QStringLiteral("tags"), QJsonArray{QStringLiteral("api")}},
                                              {QStringLiteral("classId"), 5}}}}).toJson();
    const Reply started = request("POST", QStringLiteral("/api/v1/recordings/start"), start);
    QCOMPARE(started.status, 200);
    QVERIFY(!started.json().value(QStringLiteral("recordingId")).toString().isEmpty());
    QTest::qWait(2000);
    const Reply stopped = request("POST", QStringLiteral("/api/v1/recordings/stop"),
                                  QJsonDocument(QJsonObject{{QStringLiteral("userId"), QStringLiteral("alice")},
                                                            {QStringLiteral("relationId"), 15000}, {QStringLiteral("roomId"), 3}}).toJson());
    QCOMPARE(stopped.status, 200);
    const QJsonArray ids = stopped.json().value(QStringLiteral("fileIds")).toArray();
    QCOMPARE(ids.size(), 1);
    m_fileId = ids.first().toString();
    m_server->waitForFinalizedFiles();

    // DescribeVodPlayInfo: by the file name given at start.
    const Reply byName = request("GET", QStringLiteral("/api/v1/playinfo?fileName=backend-lesson"));
    QCOMPARE(byName.status, 200);
    const QJsonArray named = byName.json().value(QStringLiteral("files")).toArray();
    QCOMPARE(named.size(), 1);
    QCOMPARE(named.first().toObject().value(QStringLiteral("fileId")).toString(), m_fileId);
    // A signed play URL for that one file (tst_authorization checks the signature).
    QVERIFY(named.first().toObject().value(QStringLiteral("playUrl")).toString().startsWith(QStringLiteral("/media/%1.mp4?expires=").arg(m_fileId)));
    // DescribeRecordPlayInfo: by the file ID returned at stop.
    const Reply byId = request("GET", QStringLiteral("/api/v1/recordplayinfo?fileId=") + m_fileId);
    QCOMPARE(byId.status, 200);
    QCOMPARE(byId.json().value(QStringLiteral("fileName")).toString(), QStringLiteral("backend-lesson"));
    QVERIFY(qAbs(byId.json().value(QStringLiteral("durationSeconds")).toDouble() - 2.0) < 0.5);
    // Listing with filters.
    QCOMPARE(request("GET", QStringLiteral("/api/v1/files?tag=api")).json().value(QStringLiteral("files")).toArray().size(), 1);
    QCOMPARE(request("GET", QStringLiteral("/api/v1/files?classId=6")).json().value(QStringLiteral("files")).toArray().size(), 0);
    // The webhook told the backend, with the files (tst_webhook checks every event).
    auto endedHook = [this] {
        for (const QJsonObject &hook : std::as_const(m_hooks)) {
            if (hook.value(QStringLiteral("event")).toString() == QLatin1String("recording.ended"))
                return hook;
        }
        return QJsonObject();
    };
    QTRY_VERIFY_WITH_TIMEOUT(!endedHook().isEmpty(), 5000);
    QCOMPARE(endedHook().value(QStringLiteral("fileIds")).toArray().first().toString(), m_fileId);
    QCOMPARE(endedHook().value(QStringLiteral("files")).toArray().first().toObject().value(QStringLiteral("fileId")).toString(), m_fileId);
}

void TestHttpApi::downloadWithRange_data()
{
    QTest::addColumn<QByteArray>("range");
    QTest::addColumn<int>("status");
    QTest::addColumn<qint64>("first"); // -1: whole file
    QTest::addColumn<qint64>("length");
    QTest::newRow("whole file") << QByteArray() << 200 << qint64(-1) << qint64(-1);
    QTest::newRow("first 100 bytes") << QByteArray("bytes=0-99") << 206 << qint64(0) << qint64(100);
    QTest::newRow("middle") << QByteArray("bytes=1000-1999") << 206 << qint64(1000) << qint64(1000);
    QTest::newRow("last 500 bytes") << QByteArray("bytes=-500") << 206 << qint64(-2) << qint64(500);
    QTest::newRow("past the end") << QByteArray("bytes=999999999-") << 416 << qint64(0) << qint64(0);
}

void TestHttpApi::downloadWithRange()
{
    QFETCH(QByteArray, range);
    QFETCH(int, status);
    QFETCH(qint64, first);
    QFETCH(qint64, length);
    QVERIFY(!m_fileId.isEmpty());
    QFile file(catalogOf(*m_server).file(m_fileId.toULongLong())->storagePath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray whole = file.readAll();
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!range.isEmpty())
        headers << qMakePair(QByteArray("Range"), range);
    const Reply reply = request("GET", QStringLiteral("/media/%1.mp4").arg(m_fileId), {}, headers);
    QCOMPARE(reply.status, status);
    if (status == 416)
        return;
    if (first == -1) {
        QCOMPARE(reply.body, whole);
        return;
    }
    const qint64 from = first == -2 ? whole.size() - length : first;
    QCOMPARE(reply.body, whole.mid(from, length));
    QCOMPARE(reply.contentRange, QStringLiteral("bytes %1-%2/%3").arg(from).arg(from + length - 1).arg(whole.size()).toLatin1());
}

void TestHttpApi::errorsHaveCodes_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("code");
    QTest::newRow("unknown file") << QByteArray("GET") << "/api/v1/files/123" << QByteArray() << 404 << int(ErrorCode::FileNotFound);
    QTest::newRow("bad file ID") << QByteArray("GET") << "/api/v1/recordplayinfo?fileId=abc" << QByteArray() << 400 << int(ErrorCode::WrongFieldType);
    QTest::newRow("playinfo without name") << QByteArray("GET") << "/api/v1/playinfo" << QByteArray() << 400 << int(ErrorCode::MissingField);
    QTest::newRow("start: not JSON") << QByteArray("POST") << "/api/v1/recordings/start" << QByteArray("{oops") << 400 << int(ErrorCode::MalformedMessage);
    QTest::newRow("start: bad name") << QByteArray("POST") << "/api/v1/recordings/start"
                                     << QByteArray(R"({"userId":"alice","relationId":15000,"roomId":3,"param":{"fileName":"a/b"}})")
                                     << 400 << int(ErrorCode::InvalidFileName);
    QTest::newRow("start: user not in room") << QByteArray("POST") << "/api/v1/recordings/start"
                                             << QByteArray(R"({"userId":"bob","relationId":15000,"roomId":3,"param":{"fileName":"x"}})")
                                             << 400 << int(ErrorCode::NotInRoom);
    QTest::newRow("stop: nothing recording") << QByteArray("POST") << "/api/v1/recordings/stop"
                                             << QByteArray(R"({"userId":"alice","relationId":15000,"roomId":3})") << 409
                                             << int(ErrorCode::NotRecording);
}

void TestHttpApi::errorsHaveCodes()
{
    QFETCH(QByteArray, verb);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(int, code);
    const Reply reply = request(verb, path, body);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.json().value(QStringLiteral("code")).toInt(), code);
    QVERIFY(!reply.json().value(QStringLiteral("message")).toString().isEmpty());
}

void TestHttpApi::emptyFileDownloadsAsEmpty()
{
    // A recording that failed before its first byte leaves an empty file in the library.
    FileRecord empty;
    empty.id = 77;
    empty.name = QStringLiteral("empty");
    empty.userId = QStringLiteral("alice");
    empty.state = FileRecord::State::Failed;
    empty.startedAt = QDateTime::currentDateTimeUtc();
    empty.storagePath = m_dir.filePath(QStringLiteral("empty.mp4"));
    QFile file(empty.storagePath);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    QVERIFY(catalogOf(*m_server).insert(empty).ok());
    const Reply reply = request("GET", QStringLiteral("/media/77.mp4"));
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.body.isEmpty());
}

void TestHttpApi::deleteRemovesFileAndRow()
{
    const auto record = catalogOf(*m_server).file(m_fileId.toULongLong());
    QVERIFY(record.ok());
    QVERIFY(QFile::exists(record->storagePath));
    QCOMPARE(request("DELETE", QStringLiteral("/api/v1/files/") + m_fileId).status, 200);
    QVERIFY(!QFile::exists(record->storagePath));
    QCOMPARE(request("GET", QStringLiteral("/api/v1/files/") + m_fileId).status, 404);
    QCOMPARE(request("DELETE", QStringLiteral("/api/v1/files/") + m_fileId).status, 404);
}

void TestHttpApi::bearerTokensWhenTheServerHasASecret()
{
    QTemporaryDir dir;
    ServerConfig config;
    config.secret = "http-test-secret-0123456789";
    auto secured = startTestServer(dir.path(), config);
    QVERIFY(secured);
    const quint16 port = secured->httpPort();
    auto token = [&config](UserSignature::Privileges p, qint64 seconds) {
        return "Bearer " + UserSignature::sign(config.secret, QStringLiteral("ops"), QDateTime::currentDateTimeUtc().addSecs(seconds), p);
    };
    QCOMPARE(request("GET", QStringLiteral("/api/v1/files"), {}, {}, port).status, 401);
    QCOMPARE(request("GET", QStringLiteral("/api/v1/files"), {}, {{"Authorization", token(UserSignature::Join, -5)}}, port).status, 401);
    QCOMPARE(request("GET", QStringLiteral("/api/v1/files"), {}, {{"Authorization", token(UserSignature::Join, 60)}}, port).status, 200);
    const QByteArray bare = token(UserSignature::Join, 60).mid(7);
    // "?token=" is for media links only (players that cannot send headers).
    QCOMPARE(request("GET", QStringLiteral("/api/v1/files?token=") + QString::fromLatin1(QUrl::toPercentEncoding(QString::fromLatin1(bare))), {}, {}, port).status, 401);
    const Reply noRecord = request("DELETE", QStringLiteral("/api/v1/files/1"), {}, {{"Authorization", token(UserSignature::Join, 60)}}, port);
    QCOMPARE(noRecord.status, 403);
    QCOMPARE(noRecord.json().value(QStringLiteral("code")).toInt(), int(ErrorCode::NoPermissionForRecording));
    QCOMPARE(request("DELETE", QStringLiteral("/api/v1/files/1"), {}, {{"Authorization", token(UserSignature::All, 60)}}, port).status, 404);
}

QTEST_GUILESS_MAIN(TestHttpApi)
#include "tst_httpapi.moc"
