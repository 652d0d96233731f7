// The webhook outbox table in the catalogue's database: oldest pending first, retries keep
// their place, finished rows leave the queue and are pruned, and it all survives a reopen of
// a catalogue that was made before the table existed. On SQLite and on a PostgreSQL server
// the test starts itself; in a library several servers share, each delivers its own events.
#include "library/catalog.h"
#include "library/outboxstore.h"
#include "librarybackends.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

class TestOutboxStore : public QObject {
    Q_OBJECT
private slots:
    void oldestPendingFirst_data() { backendRows(); }
    void oldestPendingFirst();
    void survivesReopenOfAnOlderCatalogue_data() { backendRows(); }
    void survivesReopenOfAnOlderCatalogue();
    void eachServerDeliversItsOwn_data() { backendRows(); }
    void eachServerDeliversItsOwn();

private:
    static void backendRows();
    QString freshUrl(const QString &backend);

    LibraryBackends m_backends;
};

void TestOutboxStore::backendRows()
{
    QTest::addColumn<QString>("backend");
    for (const QString &b : LibraryBackends::names())
        QTest::newRow(qPrintable(b)) << b;
}

QString TestOutboxStore::freshUrl(const QString &backend)
{
    if (backend == QLatin1String("postgresql") && !QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL"))) {
        QTest::qSkip("Qt's PostgreSQL driver (QPSQL) is not installed: Debian's libqt6sql6-psql, which scripts/deps.sh installs",
                     __FILE__, __LINE__);
        return {};
    }
    const QString url = m_backends.freshUrl(backend);
    if (url.isEmpty()) {
        if (!PostgresServer::unavailableReason().isEmpty())
            QTest::qSkip(qPrintable(m_backends.skipReason()), __FILE__, __LINE__);
        else
            QTest::qFail(qPrintable(m_backends.skipReason()), __FILE__, __LINE__);
    }
    return url;
}

void TestOutboxStore::oldestPendingFirst()
{
    QFETCH(QString, backend);
    const QString url = freshUrl(backend);
    if (url.isEmpty())
        return;
    Catalog catalog;
    QVERIFY(catalog.open(CatalogUrl::parse(url).value()).ok());
    OutboxStore store(catalog);
    QVERIFY(store.open().ok());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    auto a = store.add(QStringLiteral("a"), QStringLiteral("recording.started"), "{\"n\":1}", now);
    auto b = store.add(QStringLiteral("b"), QStringLiteral("file.ready"), "{\"n\":2}", now);
    QVERIFY(a && b);
    QVERIFY(a->seq < b->seq);
    QVERIFY(!store.add(QStringLiteral("a"), QStringLiteral("again"), "{}", now)); // IDs are unique

    // A retry keeps its place at the head, with its attempts and due time.
    QVERIFY(store.markRetry(a->seq, 2, now.addSecs(60), QStringLiteral("HTTP 500")).ok());
    auto next = store.next();
    QVERIFY(next && next.value());
    QCOMPARE(next.value()->eventId, QStringLiteral("a"));
    QCOMPARE(next.value()->attempts, 2);
    QCOMPARE(next.value()->nextAttemptAt, now.addSecs(60));
    QCOMPARE(next.value()->body, QByteArray("{\"n\":1}"));

    QVERIFY(store.markDelivered(a->seq, 3, now).ok());
    next = store.next();
    QCOMPARE(next.value()->eventId, QStringLiteral("b"));
    QVERIFY(store.markFailed(b->seq, 9, QStringLiteral("gave up"), now).ok());
    QVERIFY(!store.next().value().has_value());
    QCOMPARE(store.state(QStringLiteral("a")).value(), OutboxStore::State::Delivered);
    QCOMPARE(store.state(QStringLiteral("b")).value(), OutboxStore::State::Failed);
    QCOMPARE(store.count(OutboxStore::State::Pending).value(), 0);

    QCOMPARE(store.prune(now.addSecs(-1)).value(), 0); // finished after the cut-off: kept
    QCOMPARE(store.prune(now.addSecs(1)).value(), 2);
}

void TestOutboxStore::survivesReopenOfAnOlderCatalogue()
{
    QFETCH(QString, backend);
    const QString url = freshUrl(backend);
    if (url.isEmpty())
        return;
    const CatalogUrl path = CatalogUrl::parse(url).value();
    {
        Catalog catalog; // a catalogue from before the outbox: no such table yet
        QVERIFY(catalog.open(path).ok());
        QSqlQuery q(QSqlDatabase::database(catalog.connectionName()));
        QVERIFY(!q.exec(QStringLiteral("SELECT COUNT(*) FROM webhook_outbox")));
    }
    {
        Catalog catalog;
        QVERIFY(catalog.open(path).ok());
        OutboxStore store(catalog);
        QVERIFY(store.open().ok());
        QVERIFY(store.add(QStringLiteral("kept"), QStringLiteral("recording.ended"), "{}", QDateTime::currentDateTimeUtc()));
    }
    Catalog catalog;
    QVERIFY(catalog.open(path).ok());
    OutboxStore store(catalog);
    QVERIFY(store.open().ok()); // opening again changes nothing
    auto next = store.next();
    QVERIFY(next && next.value());
    QCOMPARE(next.value()->eventId, QStringLiteral("kept"));
}

void TestOutboxStore::eachServerDeliversItsOwn()
{
    QFETCH(QString, backend);
    const QString url = freshUrl(backend);
    if (url.isEmpty())
        return;
    Catalog one;
    Catalog two;
    QVERIFY(one.open(CatalogUrl::parse(url).value(), 1).ok());
    QVERIFY(two.open(CatalogUrl::parse(url).value(), 2).ok());
    OutboxStore storeOne(one);
    OutboxStore storeTwo(two);
    QVERIFY(storeOne.open().ok());
    QVERIFY(storeTwo.open().ok());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QVERIFY(storeOne.add(QStringLiteral("from-1"), QStringLiteral("file.ready"), "{}", now));
    QVERIFY(storeTwo.add(QStringLiteral("from-2"), QStringLiteral("file.ready"), "{}", now));
    QVERIFY(!storeTwo.add(QStringLiteral("from-1"), QStringLiteral("file.ready"), "{}", now)); // IDs unique across servers
    if (backend == QLatin1String("postgresql")) {
        QCOMPARE(storeOne.next().value()->eventId, QStringLiteral("from-1"));
        QCOMPARE(storeTwo.next().value()->eventId, QStringLiteral("from-2"));
        QCOMPARE(storeTwo.count(OutboxStore::State::Pending).value(), 1);
    } else {
        // A SQLite library has one server: whatever node wrote an event, it is delivered.
        QCOMPARE(storeTwo.next().value()->eventId, QStringLiteral("from-1"));
        QCOMPARE(storeTwo.count(OutboxStore::State::Pending).value(), 2);
    }
    QCOMPARE(storeTwo.state(QStringLiteral("from-1")).value(), OutboxStore::State::Pending);
}

QTEST_GUILESS_MAIN(TestOutboxStore)
#include "tst_outboxstore.moc"
