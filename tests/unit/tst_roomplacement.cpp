// Where live rooms are hosted when several servers share a library: the first node to claim
// a room keeps it while its heartbeat is current, others are told where it is, a node whose
// heartbeat stopped loses its rooms to the next claim, and a restarted node drops the
// placements of its previous run. On SQLite and on a PostgreSQL server the test starts.
#include "library/catalog.h"
#include "library/roomplacementstore.h"
#include "librarybackends.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QtTest>

#include <memory>

using namespace roomrec;
using namespace std::chrono_literals;

namespace {
const ClusterNode kNodeOne{1, QStringLiteral("10.0.0.1:7700"), QStringLiteral("http://10.0.0.1:7780")};
const ClusterNode kNodeTwo{2, QStringLiteral("10.0.0.2:7700"), QStringLiteral("http://10.0.0.2:7780")};

// The node's heartbeat, as if it had stopped `ms` milliseconds ago (a dead node), without
// waiting for the timeout to pass.
bool ageHeartbeat(const Catalog &catalog, quint32 nodeId, qint64 ms)
{
    QSqlQuery q(QSqlDatabase::database(catalog.connectionName()));
    q.prepare(QStringLiteral("UPDATE cluster_nodes SET heartbeat_at = heartbeat_at - ? WHERE node_id=?"));
    q.addBindValue(ms);
    q.addBindValue(qint64(nodeId));
    return q.exec() && q.numRowsAffected() == 1;
}

// A library where nodes 1 and 2 have just beaten, seen through one server's connection.
struct TwoLiveNodes {
    Catalog catalog;
    std::unique_ptr<RoomPlacementStore> store;

    bool open(const QString &url, quint32 nodeId)
    {
        if (!catalog.open(CatalogUrl::parse(url).value(), nodeId))
            return false;
        store = std::make_unique<RoomPlacementStore>(catalog, 10s);
        return store->open() && store->heartbeat(kNodeOne) && store->heartbeat(kNodeTwo);
    }
};
} // namespace

class TestRoomPlacement : public QObject {
    Q_OBJECT
private slots:
    void firstClaimWins_data() { LibraryBackends::addBackendRows(); }
    void firstClaimWins();
    void deadNodeLosesItsRooms_data() { LibraryBackends::addBackendRows(); }
    void deadNodeLosesItsRooms();
    void releaseOnlyOwnPlacement_data() { LibraryBackends::addBackendRows(); }
    void releaseOnlyOwnPlacement();
    void heartbeatUpdatesAddresses_data() { LibraryBackends::addBackendRows(); }
    void heartbeatUpdatesAddresses();

private:
    LibraryBackends m_backends;
};

void TestRoomPlacement::firstClaimWins()
{
    QFETCH(QString, backend);
    const QString url = m_backends.freshUrlForTest(backend);
    if (url.isEmpty())
        return;
    Catalog one; // two servers: each its own connection to the one library
    Catalog two;
    QVERIFY(one.open(CatalogUrl::parse(url).value(), 1).ok());
    QVERIFY(two.open(CatalogUrl::parse(url).value(), 2).ok());
    RoomPlacementStore storeOne(one, 10s);
    RoomPlacementStore storeTwo(two, 10s);
    QVERIFY(storeOne.open().ok());
    QVERIFY(storeTwo.open().ok());
    QVERIFY(storeOne.heartbeat(kNodeOne).ok());
    QVERIFY(storeTwo.heartbeat(kNodeTwo).ok());

    QVERIFY(!storeTwo.host(7, 1).value().has_value()); // nowhere yet
    auto first = storeOne.claim(7, 1, 1);
    QVERIFY2(first, qPrintable(first ? QString() : first.error().message));
    QCOMPARE(first->nodeId, 1u);
    auto second = storeTwo.claim(7, 1, 2); // the second node learns where the room is
    QVERIFY(second);
    QCOMPARE(second->nodeId, 1u);
    QCOMPARE(second->protocolAddress, kNodeOne.protocolAddress);
    QCOMPARE(second->httpUrl, kNodeOne.httpUrl);
    QCOMPARE(storeOne.claim(7, 1, 1)->nodeId, 1u); // claiming again is harmless

    // Another room is free for the second node; rooms are keyed by both IDs.
    QCOMPARE(storeTwo.claim(7, 2, 2)->nodeId, 2u);
    QCOMPARE(storeTwo.claim(8, 1, 2)->nodeId, 2u);
    QCOMPARE(storeOne.host(7, 2).value()->nodeId, 2u);
    QCOMPARE(storeTwo.host(7, 1).value()->nodeId, 1u);
}

void TestRoomPlacement::deadNodeLosesItsRooms()
{
    QFETCH(QString, backend);
    const QString url = m_backends.freshUrlForTest(backend);
    if (url.isEmpty())
        return;
    TwoLiveNodes library;
    QVERIFY(library.open(url, 2));
    Catalog &catalog = library.catalog;
    RoomPlacementStore &store = *library.store;
    QCOMPARE(store.claim(3, 4, 1)->nodeId, 1u);
    QCOMPARE(store.liveNodes().value().size(), 2);

    QVERIFY(ageHeartbeat(catalog, 1, 11'000)); // node 1 stopped beating 11 s ago
    QVERIFY(!store.host(3, 4).value().has_value());
    QVERIFY(!store.liveNode(1).value().has_value());
    QCOMPARE(store.liveNode(2).value()->protocolAddress, kNodeTwo.protocolAddress);
    QCOMPARE(store.liveNodes().value().size(), 1);
    QCOMPARE(store.claim(3, 4, 2)->nodeId, 2u); // taken over

    // Node 1 comes back: the room stays where it is now, and node 1 drops what its previous
    // run had placed (nothing left here) without touching node 2's rooms.
    QVERIFY(store.heartbeat(kNodeOne).ok());
    QCOMPARE(store.claim(3, 4, 1)->nodeId, 2u);
    QVERIFY(store.releaseAll(1).ok());
    QCOMPARE(store.host(3, 4).value()->nodeId, 2u);
}

void TestRoomPlacement::releaseOnlyOwnPlacement()
{
    QFETCH(QString, backend);
    const QString url = m_backends.freshUrlForTest(backend);
    if (url.isEmpty())
        return;
    TwoLiveNodes library;
    QVERIFY(library.open(url, 1));
    RoomPlacementStore &store = *library.store;
    QCOMPARE(store.claim(5, 5, 1)->nodeId, 1u);
    QCOMPARE(store.claim(5, 6, 1)->nodeId, 1u);
    QCOMPARE(store.claim(5, 7, 2)->nodeId, 2u);

    QVERIFY(store.release(5, 5, 2).ok()); // not node 2's: stays
    QCOMPARE(store.host(5, 5).value()->nodeId, 1u);
    QVERIFY(store.release(5, 5, 1).ok());
    QVERIFY(!store.host(5, 5).value().has_value());
    QVERIFY(store.releaseAll(1).ok());
    QVERIFY(!store.host(5, 6).value().has_value());
    QCOMPARE(store.host(5, 7).value()->nodeId, 2u);
}

void TestRoomPlacement::heartbeatUpdatesAddresses()
{
    QFETCH(QString, backend);
    const QString url = m_backends.freshUrlForTest(backend);
    if (url.isEmpty())
        return;
    Catalog catalog;
    QVERIFY(catalog.open(CatalogUrl::parse(url).value(), 1).ok());
    RoomPlacementStore store(catalog, 10s);
    QVERIFY(store.open().ok());
    QVERIFY(store.open().ok()); // opening again migrates nothing
    QVERIFY(store.heartbeat(kNodeOne).ok());
    ClusterNode moved = kNodeOne;
    moved.protocolAddress = QStringLiteral("10.0.9.1:7700");
    moved.httpUrl.clear(); // no HTTP API on this node any more
    QVERIFY(store.heartbeat(moved).ok());
    const QList<ClusterNode> nodes = store.liveNodes().value();
    QCOMPARE(nodes.size(), 1);
    QCOMPARE(nodes.first().protocolAddress, moved.protocolAddress);
    QCOMPARE(nodes.first().httpUrl, QString());
}

QTEST_GUILESS_MAIN(TestRoomPlacement)
#include "tst_roomplacement.moc"
