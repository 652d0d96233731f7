#include "library/catalog.h"
#include "protocol/errorcode.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

class TestCatalog : public QObject {
    Q_OBJECT
private slots:
    void insertUpdateFind();
    void filters_data();
    void filters();
    void highestIdSurvivesReopen();
    void unknownFile();

private:
    static FileRecord record(quint64 id, const QString &name, QStringList tags, quint32 classId);
};

FileRecord TestCatalog::record(quint64 id, const QString &name, QStringList tags, quint32 classId)
{
    FileRecord r;
    r.id = id;
    r.recordingId = id;
    r.name = name;
    r.tags = std::move(tags);
    r.classId = classId;
    r.userId = QStringLiteral("alice");
    r.startedAt = QDateTime::currentDateTimeUtc();
    r.storagePath = QStringLiteral("/data/%1.mp4").arg(id);
    return r;
}

void TestCatalog::insertUpdateFind()
{
    QTemporaryDir dir;
    Catalog catalog;
    QVERIFY(catalog.open(dir.filePath(QStringLiteral("c.sqlite"))).ok());
    FileRecord r = record(10, QStringLiteral("lesson"), {QStringLiteral("math")}, 3);
    QVERIFY(catalog.insert(r).ok());
    r.state = FileRecord::State::Complete;
    r.durationUs = 3'000'000;
    r.sizeBytes = 12345;
    r.endedAt = QDateTime::currentDateTimeUtc();
    QVERIFY(catalog.update(r).ok());
    auto back = catalog.file(10);
    QVERIFY(back.ok());
    QCOMPARE(back->name, QStringLiteral("lesson"));
    QCOMPARE(back->tags, QStringList{QStringLiteral("math")});
    QCOMPARE(back->state, FileRecord::State::Complete);
    QCOMPARE(back->durationUs, 3'000'000);
    QCOMPARE(back->sizeBytes, 12345);
    QVERIFY(!catalog.insert(r).ok()); // same ID twice is refused
}

void TestCatalog::filters_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("tag");
    QTest::addColumn<int>("classId"); // -1: unset
    QTest::addColumn<QList<quint64>>("expected");
    QTest::newRow("all") << "" << "" << -1 << QList<quint64>{1, 2, 3};
    QTest::newRow("by name") << "b" << "" << -1 << QList<quint64>{2};
    QTest::newRow("by tag") << "" << "x" << -1 << QList<quint64>{1, 3};
    QTest::newRow("by class") << "" << "" << 9 << QList<quint64>{3};
    QTest::newRow("tag and class") << "" << "x" << 5 << QList<quint64>{1};
    QTest::newRow("tag is exact, not substring") << "" << "xy" << -1 << QList<quint64>{};
}

void TestCatalog::filters()
{
    QFETCH(QString, name);
    QFETCH(QString, tag);
    QFETCH(int, classId);
    QFETCH(QList<quint64>, expected);
    QTemporaryDir dir;
    Catalog catalog;
    QVERIFY(catalog.open(dir.filePath(QStringLiteral("c.sqlite"))).ok());
    QVERIFY(catalog.insert(record(1, QStringLiteral("a"), {QStringLiteral("x"), QStringLiteral("y")}, 5)).ok());
    QVERIFY(catalog.insert(record(2, QStringLiteral("b"), {QStringLiteral("y")}, 5)).ok());
    QVERIFY(catalog.insert(record(3, QStringLiteral("c"), {QStringLiteral("x")}, 9)).ok());
    FileFilter filter;
    filter.name = name;
    filter.tag = tag;
    if (classId >= 0)
        filter.classId = quint32(classId);
    auto files = catalog.files(filter);
    QVERIFY(files.ok());
    QList<quint64> ids;
    for (const FileRecord &r : files.value())
        ids << r.id;
    QCOMPARE(ids, expected);
}

void TestCatalog::highestIdSurvivesReopen()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("c.sqlite"));
    {
        Catalog catalog;
        QVERIFY(catalog.open(path).ok());
        QVERIFY(catalog.insert(record(500, QStringLiteral("n"), {}, 0)).ok());
        QVERIFY(catalog.insert(record(100, QStringLiteral("n"), {}, 0)).ok());
    }
    Catalog reopened;
    QVERIFY(reopened.open(path).ok());
    auto highest = reopened.highestId();
    QVERIFY(highest.ok());
    QCOMPARE(highest.value(), quint64(500));
}

void TestCatalog::unknownFile()
{
    QTemporaryDir dir;
    Catalog catalog;
    QVERIFY(catalog.open(dir.filePath(QStringLiteral("c.sqlite"))).ok());
    auto missing = catalog.file(77);
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().code, int(ErrorCode::FileNotFound));
}

QTEST_GUILESS_MAIN(TestCatalog)
#include "tst_catalog.moc"
