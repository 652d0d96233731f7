// Two roomrec-server processes (node 1 and node 2, each with its own data folder) share one
// library in a real PostgreSQL server the test starts itself: both record at once into it,
// file IDs stay unique, and a restart of one server (clean, or after kill -9 in the middle
// of a recording) recovers its own files without touching the other server's rows.
#include "common/idgenerator.h"
#include "library/catalog.h"
#include "postgresserver.h"
#include "serverprocess.h"
#include "syncclient.h"

#include <QSqlDatabase>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

class TestSharedLibrary : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void twoServersOneLibrary();

private:
    QList<FileRecord> allFiles(const QString &url);

    PostgresServer m_postgres;
};

void TestSharedLibrary::initTestCase()
{
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        QSKIP("Qt's PostgreSQL driver (QPSQL) is not installed: Debian's libqt6sql6-psql, which scripts/deps.sh installs");
    if (const QString why = PostgresServer::unavailableReason(); !why.isEmpty())
        QSKIP(qPrintable(why));
    QVERIFY2(m_postgres.start(), qPrintable(m_postgres.errorString()));
}

QList<FileRecord> TestSharedLibrary::allFiles(const QString &url)
{
    Catalog catalog;
    if (!catalog.open(CatalogUrl::parse(url).value(), 0))
        return {};
    return catalog.files(FileFilter{{}, {}, {}, {}, 100000}).value();
}

void TestSharedLibrary::twoServersOneLibrary()
{
    const QString url = m_postgres.createDatabase(QStringLiteral("shared"));
    QVERIFY2(!url.isEmpty(), qPrintable(m_postgres.errorString()));
    QTemporaryDir data1;
    QTemporaryDir data2;
    ServerProcess server1;
    ServerProcess server2;
    const QStringList common = {QStringLiteral("--catalog"), url, QStringLiteral("--http-listen"), QStringLiteral("off")};
    const quint16 port1 = server1.start(QStringLiteral(ROOMREC_SERVER_BINARY), data1.path(), common + QStringList{QStringLiteral("--node-id"), QStringLiteral("1")});
    const quint16 port2 = server2.start(QStringLiteral(ROOMREC_SERVER_BINARY), data2.path(), common + QStringList{QStringLiteral("--node-id"), QStringLiteral("2")});
    QVERIFY2(port1, server1.startupOutput().constData());
    QVERIFY2(port2, server2.startupOutput().constData());

    // Both record at once.
    SyncClient alice;
    SyncClient bob;
    const RoomInfo room1{100, 1};
    const RoomInfo room2{200, 2};
    QVERIFY(alice.enterAndPublish(port1, QStringLiteral("alice"), room1, QSize(320, 180), 30, 15).ok());
    QVERIFY(bob.enterAndPublish(port2, QStringLiteral("bob"), room2, QSize(320, 180), 30, 15).ok());
    QVERIFY(alice.startRecording(room1, SyncClient::param(QStringLiteral("on-node-1"))).ok());
    QVERIFY(bob.startRecording(room2, SyncClient::param(QStringLiteral("on-node-2"))).ok());
    QVERIFY(alice.recordFrames(20));
    QVERIFY(bob.recordFrames(20));
    auto aliceIds = alice.stopRecording(room1);
    auto bobIds = bob.stopRecording(room2);
    QVERIFY(aliceIds.ok() && bobIds.ok());
    QCOMPARE(aliceIds->size(), 1);
    QCOMPARE(bobIds->size(), 1);
    const quint64 aliceId = aliceIds->first().toULongLong();
    const quint64 bobId = bobIds->first().toULongLong();
    QCOMPARE(IdGenerator::nodeOf(aliceId), 1u);
    QCOMPARE(IdGenerator::nodeOf(bobId), 2u);
    QCOMPARE(alice.fileInfo(aliceId)->name, QStringLiteral("on-node-1"));
    QCOMPARE(allFiles(url).size(), 2); // one library

    // A restart of server 1 reconciles its disk with the library: server 2's row, whose
    // file is not on server 1's disk, must stay.
    alice.client().disconnectFromServer();
    server1.process().terminate();
    QVERIFY(server1.process().waitForFinished(30'000));
    ServerProcess server1Again;
    QVERIFY(server1Again.start(QStringLiteral(ROOMREC_SERVER_BINARY), data1.path(), common + QStringList{QStringLiteral("--node-id"), QStringLiteral("1")}));
    QList<FileRecord> files = allFiles(url);
    QCOMPARE(files.size(), 2);

    // Server 2 is killed in the middle of a recording; at its restart it recovers that file,
    // and server 1's rows are untouched.
    QVERIFY(bob.startRecording(room2, SyncClient::param(QStringLiteral("killed"))).ok());
    QVERIFY(bob.recordFrames(30));
    server2.process().kill();
    QVERIFY(server2.process().waitForFinished(30'000));
    bob.client().disconnectFromServer();
    ServerProcess server2Again;
    QVERIFY2(server2Again.start(QStringLiteral(ROOMREC_SERVER_BINARY), data2.path(), common + QStringList{QStringLiteral("--node-id"), QStringLiteral("2")}),
             server2Again.startupOutput().constData());
    files = allFiles(url);
    QCOMPARE(files.size(), 3);
    QSet<quint64> ids;
    for (const FileRecord &f : files) {
        ids.insert(f.id);
        if (f.name == QLatin1String("killed")) {
            QCOMPARE(f.state, FileRecord::State::Recovered);
            QCOMPARE(IdGenerator::nodeOf(f.id), 2u);
        } else {
            QVERIFY2(f.state == FileRecord::State::Complete, qPrintable(f.name));
        }
    }
    QCOMPARE(ids.size(), 3);
}

QTEST_MAIN(TestSharedLibrary)
#include "tst_shared_library.moc"
