// Two roomrec-server processes (node 1 and node 2, each with its own data folder) share one
// library in a real PostgreSQL server the test starts itself: both record at once into it,
// file IDs stay unique, and a restart of one server (while the other records, with the
// other's disk out of reach, or after kill -9 in the middle of a recording) recovers its own
// files without touching the other server's rows or its live recording.
#include "common/idgenerator.h"
#include "library/catalog.h"
#include "postgresserver.h"
#include "serverprocess.h"
#include "syncclient.h"

#include <QDir>
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
    int fileState(const QString &url, quint64 id);

    PostgresServer m_postgres;
};

void TestSharedLibrary::initTestCase()
{
    if (const QString why = PostgresServer::catalogueUnavailableReason(); !why.isEmpty())
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

int TestSharedLibrary::fileState(const QString &url, quint64 id)
{
    Catalog catalog;
    if (!catalog.open(CatalogUrl::parse(url).value(), 0))
        return -1;
    auto record = catalog.file(id);
    return record ? int(record->state) : -1;
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

    // Server 1 restarts while server 2 is recording: its start-up recovery must leave that
    // live recording alone (it is not server 1's file, nor interrupted).
    QVERIFY(bob.startRecording(room2, SyncClient::param(QStringLiteral("live-on-2"))).ok());
    QVERIFY(bob.recordFrames(20));
    alice.client().disconnectFromServer();
    server1.process().terminate();
    QVERIFY(server1.process().waitForFinished(30'000));
    auto restart1 = [&](ServerProcess &server) {
        return server.start(QStringLiteral(ROOMREC_SERVER_BINARY), data1.path(),
                            common + QStringList{QStringLiteral("--node-id"), QStringLiteral("1")});
    };
    ServerProcess server1Again;
    QVERIFY2(restart1(server1Again), server1Again.startupOutput().constData());
    QVERIFY(bob.recordFrames(20));
    auto liveIds = bob.stopRecording(room2);
    QVERIFY(liveIds.ok());
    QCOMPARE(liveIds->size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(fileState(url, liveIds->first().toULongLong()), int(FileRecord::State::Complete), 30'000);

    // Server 2's disk is on another machine: here, its folder moves away while server 1
    // restarts. Server 1 reconciles its own disk with the library and must not drop
    // server 2's rows as "file missing".
    bob.client().disconnectFromServer();
    server2.process().terminate();
    QVERIFY(server2.process().waitForFinished(30'000));
    const QString elsewhere = data2.path() + QStringLiteral("-elsewhere");
    QVERIFY(QDir().rename(data2.path(), elsewhere));
    server1Again.process().terminate();
    QVERIFY(server1Again.process().waitForFinished(30'000));
    {
        ServerProcess server1Third;
        QVERIFY2(restart1(server1Third), server1Third.startupOutput().constData());
        QCOMPARE(allFiles(url).size(), 3);
    }
    QVERIFY(QDir().rename(elsewhere, data2.path()));

    // Server 2 is killed in the middle of a recording; at its restart it recovers that file,
    // and server 1's rows are untouched.
    ServerProcess server2Again;
    auto restart2 = [&](ServerProcess &server) {
        return server.start(QStringLiteral(ROOMREC_SERVER_BINARY), data2.path(),
                            common + QStringList{QStringLiteral("--node-id"), QStringLiteral("2")});
    };
    const quint16 port2Again = restart2(server2Again);
    QVERIFY2(port2Again, server2Again.startupOutput().constData());
    SyncClient carol;
    QVERIFY(carol.enterAndPublish(port2Again, QStringLiteral("carol"), room2, QSize(320, 180), 30, 15).ok());
    QVERIFY(carol.startRecording(room2, SyncClient::param(QStringLiteral("killed"))).ok());
    QVERIFY(carol.recordFrames(30));
    server2Again.process().kill();
    QVERIFY(server2Again.process().waitForFinished(30'000));
    carol.client().disconnectFromServer();
    ServerProcess server2Third;
    QVERIFY2(restart2(server2Third), server2Third.startupOutput().constData());
    const QList<FileRecord> files = allFiles(url);
    QCOMPARE(files.size(), 4);
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
    QCOMPARE(ids.size(), 4);
}

QTEST_MAIN(TestSharedLibrary)
#include "tst_shared_library.moc"
