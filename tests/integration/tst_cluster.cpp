// The deployment of docs/scaling.md on one machine: a real PostgreSQL library, two
// roomrec-server nodes in cluster mode and a real HAProxy in TCP mode in front of them.
// Clients connect through HAProxy only. Rooms land on both nodes; a member whose connection
// reached the other node is redirected and ends up on the room's node; both nodes record;
// either node lists every file; file IDs are unique across nodes; a node killed with -9 in
// the middle of a recording loses its rooms' placement after the node timeout (another node
// may then host them) and recovers its file when it comes back. Every file downloads from
// either node's HTTP API and decodes. Twice: with recordings on the nodes' own disks (the
// node without the file redirects to the one with it; while that one is down: 503), and with
// recordings uploaded to a real S3-compatible object store (OpenStack Swift with s3api),
// where any node redirects to a presigned URL, even while the recording node is down.
#include "common/idgenerator.h"
#include "haproxyserver.h"
#include "library/catalog.h"
#include "library/roomplacementstore.h"
#include "postgresserver.h"
#include "mp4inspector.h"
#include "protocol/errorcode.h"
#include "protocol/usersignature.h"
#include "serverprocess.h"
#include "swiftserver.h"
#include "syncclient.h"

#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace roomrec;
using namespace std::chrono_literals;

namespace {
// Nodes of a cluster share the secret: a user signed for one is welcome on every other.
const QByteArray kSecret = "cluster-test-secret-0123456789";

QString tokenFor(const QString &user)
{
    return QString::fromLatin1(UserSignature::sign(kSecret, user, QDateTime::currentDateTimeUtc().addSecs(3600), UserSignature::All));
}
} // namespace

class TestCluster : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void twoNodesBehindHaproxy_data();
    void twoNodesBehindHaproxy();

private:
    quint16 startNode(ServerProcess &server, const QTemporaryDir &data, quint32 nodeId, bool objectStorage);
    // The file's storage state as its owner sees it through a node.
    QString storageStateOf(quint16 port, const QString &user, quint64 fileId);
    static Status enterAndPublish(SyncClient &client, quint16 port, const QString &user, const RoomInfo &room);
    // GET /media/ID from a node as the user, following redirects; where the bytes came from
    // (the port of the node that served them) and the file's decode report.
    std::pair<int, Mp4Report> download(quint16 httpPort, quint64 fileId, const QString &user);
    std::optional<quint32> hostOf(const RoomInfo &room);
    QSet<quint64> filesListedBy(quint16 port, const QString &user);

    PostgresServer m_postgres;
    QString m_url;
    QTemporaryDir m_work;
    QString m_secretFile;
    SwiftServer m_swift;
    QString m_swiftUnavailable;
};

void TestCluster::initTestCase()
{
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        QSKIP("Qt's PostgreSQL driver (QPSQL) is not installed: Debian's libqt6sql6-psql, which scripts/deps.sh installs");
    if (const QString why = PostgresServer::unavailableReason(); !why.isEmpty())
        QSKIP(qPrintable(why));
    if (const QString why = HaproxyServer::unavailableReason(); !why.isEmpty())
        QSKIP(qPrintable(why));
    QVERIFY2(m_postgres.start(), qPrintable(m_postgres.errorString()));
    m_swiftUnavailable = SwiftServer::unavailableReason();
    if (m_swiftUnavailable.isEmpty()) {
        QVERIFY2(m_swift.start(), qPrintable(m_swift.errorString() + m_swift.logTail()));
        QVERIFY2(m_swift.createBucket(QStringLiteral("recordings")), qPrintable(m_swift.errorString()));
    }
    m_secretFile = m_work.filePath(QStringLiteral("secret"));
    QFile secret(m_secretFile);
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write(kSecret);
}

Status TestCluster::enterAndPublish(SyncClient &client, quint16 port, const QString &user, const RoomInfo &room)
{
    if (Status s = client.connect(port, user, tokenFor(user)); !s)
        return s;
    if (Status s = client.createRoom(room); !s)
        return s;
    return client.publish(Track::CameraVideo, QSize(320, 180), 30, 15);
}

std::pair<int, Mp4Report> TestCluster::download(quint16 httpPort, quint64 fileId, const QString &user)
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/media/%2").arg(httpPort).arg(fileId)));
    request.setRawHeader("Authorization", "Bearer " + tokenFor(user).toLatin1());
    QNetworkReply *reply = network.get(request); // redirects are followed (Qt's default policy)
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(60'000) || reply->error() != QNetworkReply::NoError) {
        Mp4Report failed;
        failed.error = reply->errorString() + QStringLiteral(" ") + QString::fromUtf8(reply->readAll());
        return {0, failed};
    }
    const QString path = m_work.filePath(QStringLiteral("download-%1-%2.mp4").arg(fileId).arg(httpPort));
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(reply->readAll()) < 0)
        return {0, Mp4Report{}};
    out.close();
    const int servedBy = reply->url().port();
    reply->deleteLater();
    return {servedBy, Mp4Inspector::inspect(path)};
}

quint16 TestCluster::startNode(ServerProcess &server, const QTemporaryDir &data, quint32 nodeId, bool objectStorage)
{
    // Port 0 in --public-address: the port the node listens on (given by the kernel here).
    QStringList arguments{QStringLiteral("--catalog"), m_url, QStringLiteral("--node-id"), QString::number(nodeId),
                          QStringLiteral("--public-address"), QStringLiteral("127.0.0.1:0"),
                          QStringLiteral("--secret-file"), m_secretFile,
                          QStringLiteral("--node-timeout-seconds"), QStringLiteral("2")};
    if (objectStorage) {
        // Every node the same bucket and keys (any node presigns any stored file); the keys
        // only in the config file, never on the command line.
        const QString config = QDir(data.path()).filePath(QStringLiteral("node.conf"));
        QFile file(config);
        if (!file.open(QIODevice::WriteOnly))
            return 0;
        file.write(QStringLiteral("storage = s3://recordings/cluster\ns3-endpoint = %1\ns3-region = %2\n"
                                  "s3-access-key = %3\ns3-secret-key = %4\n")
                       .arg(m_swift.endpoint(), SwiftServer::region(), SwiftServer::accessKey(), SwiftServer::secretKey())
                       .toUtf8());
        arguments << QStringLiteral("--config") << config;
    }
    return server.start(QStringLiteral(ROOMREC_SERVER_BINARY), data.path(), arguments);
}

QString TestCluster::storageStateOf(quint16 port, const QString &user, quint64 fileId)
{
    SyncClient client;
    if (!client.connect(port, user, tokenFor(user)))
        return {};
    auto record = client.fileInfo(fileId);
    return record ? FileRecord::storageStateName(record->storageState) : QString();
}

std::optional<quint32> TestCluster::hostOf(const RoomInfo &room)
{
    Catalog catalog; // the test reads the library as any node would
    if (!catalog.open(CatalogUrl::parse(m_url).value(), 0))
        return std::nullopt;
    auto host = RoomPlacementStore(catalog, 2s).host(room.relationId, room.roomId);
    if (!host || !host->has_value())
        return std::nullopt;
    return host->value().nodeId;
}

QSet<quint64> TestCluster::filesListedBy(quint16 port, const QString &user)
{
    SyncClient client;
    if (!client.connect(port, user, tokenFor(user)))
        return {};
    FileFilter mine;
    mine.userId = user;
    auto files = client.listFiles(mine);
    QSet<quint64> ids;
    if (!files)
        return ids;
    for (const FileRecord &f : files.value())
        ids.insert(f.id);
    return ids;
}

void TestCluster::twoNodesBehindHaproxy_data()
{
    QTest::addColumn<bool>("objectStorage");
    QTest::newRow("local disks") << false;
    QTest::newRow("object storage") << true;
}

void TestCluster::twoNodesBehindHaproxy()
{
    QFETCH(bool, objectStorage);
    if (objectStorage && !m_swiftUnavailable.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL(qPrintable(m_swiftUnavailable));
        QSKIP(qPrintable(m_swiftUnavailable));
    }
    m_url = m_postgres.createDatabase(objectStorage ? QStringLiteral("cluster_s3") : QStringLiteral("cluster_local"));
    QVERIFY2(!m_url.isEmpty(), qPrintable(m_postgres.errorString()));
    const int swiftPort = objectStorage ? QUrl(m_swift.endpoint()).port() : 0;
    QTemporaryDir data1;
    QTemporaryDir data2;
    ServerProcess node1;
    ServerProcess node2;
    const quint16 port1 = startNode(node1, data1, 1, objectStorage);
    const quint16 port2 = startNode(node2, data2, 2, objectStorage);
    QVERIFY2(port1, node1.startupOutput().constData());
    QVERIFY2(port2, node2.startupOutput().constData());
    HaproxyServer haproxy;
    const quint16 front = haproxy.start({port1, port2});
    QVERIFY2(front, qPrintable(haproxy.errorString()));

    // Four hosts create four rooms through the load balancer: rooms land on both nodes.
    constexpr int kRooms = 4;
    std::vector<std::unique_ptr<SyncClient>> hosts;
    QHash<quint32, int> roomOnNode; // node -> index of a room it hosts
    for (int i = 0; i < kRooms; ++i) {
        const RoomInfo room{300, quint32(i + 1)};
        hosts.push_back(std::make_unique<SyncClient>());
        QVERIFY(enterAndPublish(*hosts.back(), front, QStringLiteral("host%1").arg(i), room).ok());
        const auto node = hostOf(room);
        QVERIFY2(node.has_value(), qPrintable(room.toString()));
        roomOnNode.insert(*node, i);
    }
    QCOMPARE(roomOnNode.size(), 2); // round robin: both nodes host rooms

    // Guests join one room through the load balancer: whichever node their connection
    // reached, they end up in the one room with its host (the one on node 1 here).
    const int roomIndex = roomOnNode.value(1);
    const RoomInfo shared{300, quint32(roomIndex + 1)};
    int redirects = 0;
    std::vector<std::unique_ptr<SyncClient>> guests;
    for (int g = 0; g < 3; ++g) {
        guests.push_back(std::make_unique<SyncClient>());
        SyncClient &guest = *guests.back();
        QSignalSpy redirected(&guest.client(), &RoomClient::redirected);
        const QString name = QStringLiteral("guest%1").arg(g);
        QVERIFY(guest.connect(front, name, tokenFor(name)).ok());
        Status joined = guest.joinRoom(shared);
        QVERIFY2(joined.ok(), qPrintable(joined ? QString() : joined.error().toString()));
        redirects += int(redirected.count());
        if (!redirected.isEmpty())
            QCOMPARE(redirected.first().at(1).value<quint16>(), port1);
        QVERIFY(guest.client().members().contains(QStringLiteral("host%1").arg(roomIndex)));
    }
    QVERIFY2(redirects >= 1, "no guest reached node 2 first: round robin should have sent one there");
    QTRY_COMPARE(hosts[roomIndex]->client().members().size(), 4);

    // Both nodes record; file IDs carry their node; either node lists them all.
    QSet<quint64> allIds;
    QHash<QString, quint64> fileOf;
    for (quint32 node : {1u, 2u}) {
        const int i = roomOnNode.value(node);
        SyncClient &host = *hosts[i];
        const RoomInfo room{300, quint32(i + 1)};
        QVERIFY(host.startRecording(room, SyncClient::param(QStringLiteral("on-node-%1").arg(node))).ok());
        QVERIFY(host.recordFrames(30));
        auto ids = host.stopRecording(room);
        QVERIFY(ids.ok());
        QCOMPARE(ids->size(), 1);
        const quint64 id = ids->first().toULongLong();
        QCOMPARE(IdGenerator::nodeOf(id), node);
        allIds.insert(id);
        fileOf.insert(QStringLiteral("host%1").arg(i), id);
    }
    const quint16 http1 = node1.httpPort();
    const quint16 http2 = node2.httpPort();
    QVERIFY(http1 && http2);
    for (auto it = fileOf.cbegin(); it != fileOf.cend(); ++it) {
        QVERIFY(filesListedBy(port1, it.key()).contains(it.value()));
        QVERIFY(filesListedBy(port2, it.key()).contains(it.value()));
        if (objectStorage) // uploaded and verified once final; either node sees it stored
            QTRY_COMPARE_WITH_TIMEOUT(storageStateOf(port1, it.key(), it.value()), QStringLiteral("stored"), 60'000);
        // Either node's HTTP API serves it: on local disks, the one that recorded it directly
        // and the other by redirecting there; in object storage, a presigned URL from either.
        const int holder = objectStorage ? swiftPort : IdGenerator::nodeOf(it.value()) == 1 ? http1 : http2;
        for (quint16 asked : {http1, http2}) {
            const auto [servedBy, report] = download(asked, it.value(), it.key());
            QVERIFY2(report.opened, qPrintable(report.error));
            QCOMPARE(servedBy, holder);
            QVERIFY(report.videoFramesDecoded >= 30);
            QCOMPARE(report.decodeErrors, 0);
        }
    }

    // Node 1 is killed in the middle of a recording.
    const int victim = roomOnNode.value(1);
    const RoomInfo victimRoom{300, quint32(victim + 1)};
    const QString victimUser = QStringLiteral("host%1").arg(victim);
    QVERIFY(hosts[victim]->startRecording(victimRoom, SyncClient::param(QStringLiteral("killed"))).ok());
    QVERIFY(hosts[victim]->recordFrames(90)); // 3 s: a kill loses at most about the last second
    node1.process().kill();
    QVERIFY(node1.process().waitForFinished(30'000));

    // Its rooms' placement lapses after the node timeout: the room can then be hosted by
    // node 2 (until then, node 2 answers that node 1 still has it).
    SyncClient rescuer;
    QVERIFY(rescuer.connect(port2, QStringLiteral("rescuer"), tokenFor(QStringLiteral("rescuer"))).ok());
    // (QTRY evaluates its condition once more at the end: the flag keeps it from creating twice.)
    bool rescued = false;
    QTRY_VERIFY_WITH_TIMEOUT(rescued || (rescued = rescuer.createRoom(victimRoom).ok()), 20'000);
    QCOMPARE(hostOf(victimRoom), std::optional<quint32>(2));

    // While it is down, its files on its disk cannot be served: a coded 503, not a hang or a
    // wrong file. Those in object storage can.
    if (objectStorage) {
        const auto [servedBy, report] = download(http2, fileOf.value(victimUser), victimUser);
        QVERIFY2(report.opened, qPrintable(report.error));
        QCOMPARE(servedBy, swiftPort);
        QCOMPARE(report.decodeErrors, 0);
    } else {
        QNetworkAccessManager network;
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/media/%2").arg(http2).arg(fileOf.value(victimUser))));
        request.setRawHeader("Authorization", "Bearer " + tokenFor(victimUser).toLatin1());
        QNetworkReply *reply = network.get(request);
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 30'000);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 503);
        QVERIFY(reply->readAll().contains(QByteArray::number(int(ErrorCode::NodeUnavailable))));
    }

    // Node 1 comes back: it recovers the killed recording into the library, where either
    // node lists it; and it no longer claims the rooms of its previous run.
    ServerProcess node1Again;
    QVERIFY2(startNode(node1Again, data1, 1, objectStorage), node1Again.startupOutput().constData());
    QVERIFY2(node1Again.startupOutput().contains("recovered file"), node1Again.startupOutput().constData());
    const QSet<quint64> victimFiles = filesListedBy(port2, victimUser);
    QCOMPARE(victimFiles.size(), 2); // the finished one and the recovered one
    for (quint64 id : victimFiles) {
        QCOMPARE(IdGenerator::nodeOf(id), 1u);
        allIds.insert(id);
    }
    QCOMPARE(allIds.size(), 3); // unique across nodes
    const quint16 http1Again = node1Again.httpPort();
    for (quint64 id : victimFiles) { // served again, the recovered one too, from the other node
        if (objectStorage) // the recovered file is uploaded too
            QTRY_COMPARE_WITH_TIMEOUT(storageStateOf(port2, victimUser, id), QStringLiteral("stored"), 60'000);
        const auto [servedBy, report] = download(http2, id, victimUser);
        QVERIFY2(report.opened, qPrintable(report.error));
        QCOMPARE(servedBy, objectStorage ? swiftPort : int(http1Again));
        QVERIFY2(report.videoFramesDecoded >= 30, qPrintable(QString::number(report.videoFramesDecoded)));
        QCOMPARE(report.decodeErrors, 0);
    }
    QCOMPARE(hostOf(victimRoom), std::optional<quint32>(2));
}

QTEST_MAIN(TestCluster)
#include "tst_cluster.moc"
