// The webhook outbox table in the catalogue's database: oldest pending first, retries keep
// their place, finished rows leave the queue and are pruned, and it all survives a reopen of
// a catalogue that was made before the table existed.
#include "library/catalog.h"
#include "library/outboxstore.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

class TestOutboxStore : public QObject {
    Q_OBJECT
private slots:
    void oldestPendingFirst();
    void survivesReopenOfAnOlderCatalogue();
};

void TestOutboxStore::oldestPendingFirst()
{
    QTemporaryDir dir;
    Catalog catalog;
    QVERIFY(catalog.open(dir.filePath(QStringLiteral("c.sqlite"))).ok());
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
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("c.sqlite"));
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

QTEST_GUILESS_MAIN(TestOutboxStore)
#include "tst_outboxstore.moc"
