#include "common/idgenerator.h"

#include <QSet>
#include <QtTest>

using namespace roomrec;

class TestIdGenerator : public QObject {
    Q_OBJECT
private slots:
    void strictlyIncreasingAndUnique();
    void clockStepsBack();
    void floorSurvivesRestart();
    void nodesNeverCollide_data();
    void nodesNeverCollide();
    void sequenceOverflowBorrowsNextMillisecond();
};

void TestIdGenerator::strictlyIncreasingAndUnique()
{
    IdGenerator ids(3);
    quint64 last = 0;
    QSet<quint64> seen;
    for (int i = 0; i < 100000; ++i) {
        const quint64 id = ids.next();
        QVERIFY(id > last);
        QVERIFY(!seen.contains(id));
        QCOMPARE(IdGenerator::nodeOf(id), 3u);
        seen << id;
        last = id;
    }
}

void TestIdGenerator::clockStepsBack()
{
    qint64 now = IdGenerator::kEpochMs + 1'000'000;
    IdGenerator ids(1, 0, [&now] { return now; });
    const quint64 a = ids.next();
    now -= 60'000; // NTP stepped the clock back a minute
    const quint64 b = ids.next();
    QVERIFY(b > a);
}

void TestIdGenerator::floorSurvivesRestart()
{
    qint64 now = IdGenerator::kEpochMs + 5'000'000;
    quint64 last = 0;
    {
        IdGenerator first(1, 0, [&now] { return now; });
        for (int i = 0; i < 10; ++i)
            last = first.next();
    }
    now -= 10'000; // restarted with a clock behind the last run's
    IdGenerator second(1, last, [&now] { return now; });
    QVERIFY(second.next() > last);
}

void TestIdGenerator::nodesNeverCollide_data()
{
    QTest::addColumn<quint32>("nodeA");
    QTest::addColumn<quint32>("nodeB");
    QTest::newRow("0 and 1") << 0u << 1u;
    QTest::newRow("1 and 1023") << 1u << 1023u;
}

void TestIdGenerator::nodesNeverCollide()
{
    QFETCH(quint32, nodeA);
    QFETCH(quint32, nodeB);
    qint64 now = IdGenerator::kEpochMs + 42;
    IdGenerator a(nodeA, 0, [&now] { return now; });
    IdGenerator b(nodeB, 0, [&now] { return now; });
    QSet<quint64> seen;
    for (int i = 0; i < 10000; ++i) {
        const quint64 x = a.next(), y = b.next();
        QVERIFY(!seen.contains(x) && !seen.contains(y) && x != y);
        seen << x << y;
    }
}

void TestIdGenerator::sequenceOverflowBorrowsNextMillisecond()
{
    const qint64 now = IdGenerator::kEpochMs + 7;
    IdGenerator ids(5, 0, [now] { return now; });
    QSet<quint64> seen;
    for (int i = 0; i < 3 * (1 << IdGenerator::kSequenceBits); ++i) {
        const quint64 id = ids.next();
        QVERIFY(!seen.contains(id));
        QCOMPARE(IdGenerator::nodeOf(id), 5u);
        seen << id;
    }
}

QTEST_GUILESS_MAIN(TestIdGenerator)
#include "tst_idgenerator.moc"
