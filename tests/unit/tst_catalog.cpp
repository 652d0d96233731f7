// The catalogue on both backends: every test runs on SQLite and on a real PostgreSQL server
// the test starts itself (the "backend" column). Besides the queries: catalogue URLs, SQLite
// files from before schema versioning migrated in place, and several writers on one library
// (two Catalogs on two threads, as two servers would be) without lost updates or duplicates.
#include "common/idgenerator.h"
#include "library/catalog.h"
#include "library/schemamigrator.h"
#include "librarybackends.h"
#include "protocol/errorcode.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <atomic>

using namespace roomrec;

class TestCatalog : public QObject {
    Q_OBJECT
private slots:
    void insertUpdateFind_data() { backendRows(); }
    void insertUpdateFind();
    void filters_data();
    void filters();
    void pages_data() { backendRows(); }
    void pages();
    void highestIdSurvivesReopen_data() { backendRows(); }
    void highestIdSurvivesReopen();
    void unknownFile_data() { backendRows(); }
    void unknownFile();
    void staleUpdateIsRefused_data() { backendRows(); }
    void staleUpdateIsRefused();
    void localQueriesInASharedLibrary_data() { backendRows(); }
    void localQueriesInASharedLibrary();
    void survivesALostConnection_data() { backendRows(); }
    void survivesALostConnection();
    void concurrentWriters_data() { backendRows(); }
    void concurrentWriters();
    void concurrentFirstOpen_data() { backendRows(); }
    void concurrentFirstOpen();
    void urls_data();
    void urls();
    void migratesAnUnversionedSqliteFile_data();
    void migratesAnUnversionedSqliteFile();

private:
    static void backendRows();
    // A fresh library of the row's backend; skips the row if that backend cannot run here.
    QString freshUrl(const QString &backend);
    static FileRecord record(quint64 id, const QString &name, QStringList tags, quint32 classId);
    static QList<quint64> idsOf(const QList<FileRecord> &records);

    LibraryBackends m_backends;
};

void TestCatalog::backendRows()
{
    QTest::addColumn<QString>("backend");
    for (const QString &b : LibraryBackends::names())
        QTest::newRow(qPrintable(b)) << b;
}

#define OPEN_FRESH(catalog, url, nodeId)                                                                  \
    const QString url = freshUrl(backend);                                                                \
    if (url.isEmpty())                                                                                    \
        return;                                                                                           \
    Catalog catalog;                                                                                      \
    {                                                                                                     \
        const Status opened = catalog.open(CatalogUrl::parse(url).value(), nodeId);                       \
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().toString()));           \
    }

QString TestCatalog::freshUrl(const QString &backend)
{
    if (backend == QLatin1String("postgresql") && !QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL"))) {
        QTest::qSkip("Qt's PostgreSQL driver (QPSQL) is not installed: Debian's libqt6sql6-psql, which scripts/deps.sh installs",
                     __FILE__, __LINE__);
        return {};
    }
    const QString url = m_backends.freshUrl(backend);
    if (url.isEmpty()) {
        // Skipped only when the server programs are truly missing; a server that is there
        // but fails to start is a failure.
        if (!PostgresServer::unavailableReason().isEmpty())
            QTest::qSkip(qPrintable(m_backends.skipReason()), __FILE__, __LINE__);
        else
            QTest::qFail(qPrintable(m_backends.skipReason()), __FILE__, __LINE__);
    }
    return url;
}

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

QList<quint64> TestCatalog::idsOf(const QList<FileRecord> &records)
{
    QList<quint64> ids;
    for (const FileRecord &r : records)
        ids << r.id;
    return ids;
}

void TestCatalog::insertUpdateFind()
{
    QFETCH(QString, backend);
    OPEN_FRESH(catalog, url, 0);
    FileRecord r = record(10, QStringLiteral("lesson"), {QStringLiteral("math")}, 3);
    r.classId = 4'000'000'000u; // beyond a 32-bit signed column
    QVERIFY(catalog.insert(r).ok());
    r.state = FileRecord::State::Complete;
    r.durationUs = 3'000'000;
    r.sizeBytes = 12345;
    r.endedAt = QDateTime::currentDateTimeUtc();
    r.derived = QJsonArray{QJsonObject{{QStringLiteral("kind"), QStringLiteral("cover")}}};
    r.processing = QStringList{QStringLiteral("screenshot")};
    QVERIFY(catalog.update(r).ok());
    auto back = catalog.file(10);
    QVERIFY(back.ok());
    QCOMPARE(back->name, QStringLiteral("lesson"));
    QCOMPARE(back->tags, QStringList{QStringLiteral("math")});
    QCOMPARE(back->classId, 4'000'000'000u);
    QCOMPARE(back->state, FileRecord::State::Complete);
    QCOMPARE(back->durationUs, 3'000'000);
    QCOMPARE(back->sizeBytes, 12345);
    QCOMPARE(back->endedAt.toMSecsSinceEpoch(), r.endedAt.toMSecsSinceEpoch());
    QCOMPARE(back->derived, r.derived);
    QCOMPARE(back->processing, r.processing);
    QVERIFY(!catalog.insert(r).ok()); // same ID twice is refused
    QCOMPARE(catalog.bytesUsedBy(QStringLiteral("alice")).value(), 12345);
    QCOMPARE(catalog.bytesUsedBy(QStringLiteral("bob")).value(), 0);
    QCOMPARE(catalog.inState(FileRecord::State::Complete).value().size(), 1);
    QCOMPARE(catalog.recording(10).value().size(), 1);
    QCOMPARE(catalog.storagePaths().value().value(10), r.storagePath);

    // Tags changed by an update are what the filter finds.
    r.tags = QStringList{QStringLiteral("physics")};
    QVERIFY(catalog.update(r).ok());
    QVERIFY(catalog.files(FileFilter{{}, QStringLiteral("math")}).value().isEmpty());
    QCOMPARE(catalog.files(FileFilter{{}, QStringLiteral("physics")}).value().size(), 1);
    QVERIFY(catalog.remove(10).ok());
    QVERIFY(catalog.files(FileFilter{{}, QStringLiteral("physics")}).value().isEmpty());
    QCOMPARE(catalog.remove(10).error().code, int(ErrorCode::FileNotFound));
    QCOMPARE(catalog.update(r).error().code, int(ErrorCode::FileNotFound));
}

void TestCatalog::filters_data()
{
    QTest::addColumn<QString>("backend");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("tag");
    QTest::addColumn<int>("classId"); // -1: unset
    QTest::addColumn<QString>("userId");
    QTest::addColumn<QList<quint64>>("expected");
    for (const QString &b : LibraryBackends::names()) {
        auto row = [&](const char *name) -> QTestData & { return QTest::addRow("%s: %s", qPrintable(b), name) << b; };
        row("all") << "" << "" << -1 << "" << QList<quint64>{1, 2, 3};
        row("by name") << "b" << "" << -1 << "" << QList<quint64>{2};
        row("by tag") << "" << "x" << -1 << "" << QList<quint64>{1, 3};
        row("by class") << "" << "" << 9 << "" << QList<quint64>{3};
        row("by user") << "" << "" << -1 << "bob" << QList<quint64>{3};
        row("tag and class") << "" << "x" << 5 << "" << QList<quint64>{1};
        row("tag is exact, not substring") << "" << "xy" << -1 << "" << QList<quint64>{};
        row("tag is case-sensitive") << "" << "X" << -1 << "" << QList<quint64>{};
        row("a tag twice on one file lists it once") << "" << "z" << -1 << "" << QList<quint64>{2};
    }
}

void TestCatalog::filters()
{
    QFETCH(QString, backend);
    QFETCH(QString, name);
    QFETCH(QString, tag);
    QFETCH(int, classId);
    QFETCH(QString, userId);
    QFETCH(QList<quint64>, expected);
    OPEN_FRESH(catalog, url, 0);
    QVERIFY(catalog.insert(record(1, QStringLiteral("a"), {QStringLiteral("x"), QStringLiteral("y")}, 5)).ok());
    QVERIFY(catalog.insert(record(2, QStringLiteral("b"), {QStringLiteral("y"), QStringLiteral("z"), QStringLiteral("z")}, 5)).ok());
    FileRecord bobs = record(3, QStringLiteral("c"), {QStringLiteral("x")}, 9);
    bobs.userId = QStringLiteral("bob");
    QVERIFY(catalog.insert(bobs).ok());
    FileFilter filter;
    filter.name = name;
    filter.tag = tag;
    filter.userId = userId;
    if (classId >= 0)
        filter.classId = quint32(classId);
    auto files = catalog.files(filter);
    QVERIFY(files.ok());
    QCOMPARE(idsOf(files.value()), expected);
}

void TestCatalog::pages()
{
    QFETCH(QString, backend);
    OPEN_FRESH(catalog, url, 0);
    for (quint64 id = 1; id <= 25; ++id)
        QVERIFY(catalog.insert(record(id, QStringLiteral("n"), {id % 2 ? QStringLiteral("odd") : QStringLiteral("even")}, 1)).ok());
    FileFilter filter;
    filter.tag = QStringLiteral("odd");
    filter.limit = 5;
    QList<quint64> all;
    for (;;) {
        auto page = catalog.files(filter);
        QVERIFY(page.ok());
        if (page->isEmpty())
            break;
        QVERIFY(page->size() <= 5);
        all << idsOf(page.value());
        filter.afterId = page->last().id;
    }
    QList<quint64> expected;
    for (quint64 id = 1; id <= 25; id += 2)
        expected << id;
    QCOMPARE(all, expected);
}

void TestCatalog::highestIdSurvivesReopen()
{
    QFETCH(QString, backend);
    const QString url = freshUrl(backend);
    if (url.isEmpty())
        return;
    {
        Catalog catalog;
        QVERIFY(catalog.open(CatalogUrl::parse(url).value()).ok());
        QVERIFY(catalog.insert(record(500, QStringLiteral("n"), {}, 0)).ok());
        QVERIFY(catalog.insert(record(100, QStringLiteral("n"), {}, 0)).ok());
        QVERIFY(catalog.remove(500).ok()); // deleted, but its ID stays used
    }
    Catalog reopened;
    QVERIFY(reopened.open(CatalogUrl::parse(url).value()).ok());
    auto highest = reopened.highestId();
    QVERIFY(highest.ok());
    QCOMPARE(highest.value(), quint64(500));
    auto version = SchemaMigrator::version(QSqlDatabase::database(reopened.connectionName()), QStringLiteral("catalog"));
    QCOMPARE(version.value(), 3);
}

void TestCatalog::unknownFile()
{
    QFETCH(QString, backend);
    OPEN_FRESH(catalog, url, 0);
    auto missing = catalog.file(77);
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().code, int(ErrorCode::FileNotFound));
}

void TestCatalog::staleUpdateIsRefused()
{
    QFETCH(QString, backend);
    OPEN_FRESH(catalog, url, 0);
    QVERIFY(catalog.insert(record(5, QStringLiteral("n"), {}, 0)).ok());
    FileRecord first = catalog.file(5).value();
    FileRecord second = catalog.file(5).value();
    QVERIFY(first.revision > 0);
    first.processingState = QStringLiteral("done");
    QVERIFY(catalog.update(first).ok());
    second.sizeBytes = 99; // from a read before the update above: would undo "done"
    const Status stale = catalog.update(second);
    QVERIFY(!stale.ok());
    QCOMPARE(stale.error().code, int(ErrorCode::CatalogueFailed));
    QCOMPARE(catalog.file(5)->processingState, QStringLiteral("done"));
    // modify() reads again and keeps both changes.
    QVERIFY(catalog.modify(5, [](FileRecord &r) { r.sizeBytes = 99; return success(); }).ok());
    QCOMPARE(catalog.file(5)->processingState, QStringLiteral("done"));
    QCOMPARE(catalog.file(5)->sizeBytes, 99);
    QCOMPARE(catalog.modify(6, [](FileRecord &) { return success(); }).error().code, int(ErrorCode::FileNotFound));
}

void TestCatalog::localQueriesInASharedLibrary()
{
    QFETCH(QString, backend);
    OPEN_FRESH(node1, url, 1);
    Catalog node2;
    QVERIFY(node2.open(CatalogUrl::parse(url).value(), 2).ok());
    FileRecord one = record(IdGenerator(1).next(), QStringLiteral("on node 1"), {}, 0);
    FileRecord two = record(IdGenerator(2).next(), QStringLiteral("on node 2"), {}, 0);
    one.processingState = QStringLiteral("running 40%");
    two.processingState = QStringLiteral("pending");
    QVERIFY(node1.insert(one).ok());
    QVERIFY(node2.insert(two).ok());
    QVERIFY(node2.insert(record(IdGenerator(2).next() + 1, QStringLiteral("processed"), {}, 0)).ok());
    // Everybody sees the whole library...
    QCOMPARE(node1.files({}).value().size(), 3);
    QCOMPARE(node2.files({}).value().size(), 3);
    // ...but start-up recovery (files being recorded, files on disk) concerns a server's own
    // files only when the library is shared; a SQLite file has one server, whatever its node.
    const bool shared = backend == QLatin1String("postgresql");
    QCOMPARE(node1.inState(FileRecord::State::Recording).value().size(), shared ? 1 : 3);
    QCOMPARE(node2.storagePaths().value().size(), shared ? 2 : 3);
    QCOMPARE(node1.processingUnfinished().value().size(), shared ? 1 : 2);
    QCOMPARE(node2.processingUnfinished().value().size(), shared ? 1 : 2);
    if (shared) {
        QCOMPARE(node1.processingUnfinished().value().first().name, QStringLiteral("on node 1"));
        QCOMPARE(node2.inState(FileRecord::State::Recording).value().first().name, QStringLiteral("on node 2"));
    }
}

void TestCatalog::survivesALostConnection()
{
    // The database server drops the connection (restart, failover, an admin): the next call
    // reconnects by itself. SQLite has no connection to lose; the row checks nothing breaks.
    QFETCH(QString, backend);
    OPEN_FRESH(catalog, url, 0);
    QVERIFY(catalog.insert(record(1, QStringLiteral("before"), {QStringLiteral("x")}, 0)).ok());
    if (backend == QLatin1String("postgresql")) {
        QVERIFY2(m_backends.postgres().psql(CatalogUrl::parse(url)->databaseName(),
                                            QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                                           "WHERE pid <> pg_backend_pid() AND datname = current_database()")),
                 qPrintable(m_backends.postgres().errorString()));
    }
    auto read = catalog.file(1);
    QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error().toString()));
    QCOMPARE(read->name, QStringLiteral("before"));
    QVERIFY(catalog.insert(record(2, QStringLiteral("after"), {QStringLiteral("x")}, 0)).ok());
    QCOMPARE(catalog.files(FileFilter{{}, QStringLiteral("x")}).value().size(), 2);
}

void TestCatalog::concurrentWriters()
{
    // Two servers (node 1 and 2) on one library at once, each on its own thread and
    // connection: each inserts files with its own IDs, and both keep changing one shared
    // row through read-modify-write. No insert may fail or vanish, no change may be lost.
    QFETCH(QString, backend);
    const QString url = freshUrl(backend);
    if (url.isEmpty())
        return;
    constexpr int kInserts = 150;
    constexpr int kIncrements = 60;
    {
        Catalog setup;
        QVERIFY(setup.open(CatalogUrl::parse(url).value(), 0).ok());
        QVERIFY(setup.insert(record(1, QStringLiteral("shared"), {}, 0)).ok());
    }
    std::atomic<int> ready{0};
    QStringList errors[2];
    QList<quint64> inserted[2];
    auto writer = [&](int index) {
        const quint32 node = quint32(index + 1);
        Catalog catalog;
        if (Status s = catalog.open(CatalogUrl::parse(url).value(), node); !s) {
            errors[index] << s.error().toString();
            ++ready;
            return;
        }
        IdGenerator ids(node, catalog.highestId().value());
        ++ready;
        while (ready.load() < 2) // start together, so the writes really interleave
            QThread::yieldCurrentThread();
        for (int i = 0; i < kInserts || i < kIncrements; ++i) {
            if (i < kInserts) {
                FileRecord r = record(ids.next(), QStringLiteral("node%1").arg(node), {QStringLiteral("n%1").arg(node)}, node);
                if (Status s = catalog.insert(r); !s)
                    errors[index] << s.error().toString();
                else
                    inserted[index] << r.id;
            }
            if (i < kIncrements) {
                Status s = catalog.modify(1, [](FileRecord &r) {
                    r.sizeBytes += 1;
                    r.tags << QStringLiteral("t%1").arg(r.sizeBytes); // tags rewritten too
                    return success();
                });
                if (!s)
                    errors[index] << s.error().toString();
            }
        }
    };
    std::unique_ptr<QThread> threads[2] = {std::unique_ptr<QThread>(QThread::create(writer, 0)),
                                           std::unique_ptr<QThread>(QThread::create(writer, 1))};
    for (auto &t : threads)
        t->start();
    for (auto &t : threads)
        QVERIFY(t->wait(240'000));
    QVERIFY2(errors[0].isEmpty(), qPrintable(errors[0].join(QLatin1Char('\n'))));
    QVERIFY2(errors[1].isEmpty(), qPrintable(errors[1].join(QLatin1Char('\n'))));

    Catalog check;
    QVERIFY(check.open(CatalogUrl::parse(url).value(), 0).ok());
    const FileRecord shared = check.file(1).value();
    QCOMPARE(shared.sizeBytes, 2 * kIncrements);   // no increment lost
    QCOMPARE(shared.tags.size(), 2 * kIncrements); // the tags moved with the row
    QCOMPARE(check.files(FileFilter{{}, QStringLiteral("t%1").arg(2 * kIncrements)}).value().size(), 1);
    const QList<FileRecord> all = check.files(FileFilter{{}, {}, {}, {}, 100000}).value();
    QCOMPARE(all.size(), 1 + 2 * kInserts);
    QSet<quint64> unique;
    for (const FileRecord &r : all)
        unique.insert(r.id);
    QCOMPARE(unique.size(), all.size());
    for (int i = 0; i < 2; ++i) {
        QCOMPARE(inserted[i].size(), kInserts);
        QCOMPARE(check.files(FileFilter{{}, QStringLiteral("n%1").arg(i + 1), {}, {}, 100000}).value().size(), kInserts);
    }
    QVERIFY(check.highestId().value() >= qMax(inserted[0].last(), inserted[1].last()));
}

void TestCatalog::concurrentFirstOpen()
{
    // Servers started together on a new database: all of them migrate it, once, and write.
    // On SQLite the switch to WAL mode answered "database is locked" at once (no busy wait)
    // when another connection opened the new file at the same moment; one round in ten lost a
    // writer that way, so several rounds with several writers make the race all but certain.
    QFETCH(QString, backend);
    const int rounds = backend == QLatin1String("sqlite") ? 20 : 3;
    constexpr int kWriters = 6;
    for (int round = 0; round < rounds; ++round) {
        const QString url = freshUrl(backend);
        if (url.isEmpty())
            return;
        QStringList errors[kWriters];
        auto opener = [&](int index) {
            Catalog catalog;
            if (Status s = catalog.open(CatalogUrl::parse(url).value(), quint32(index)); !s)
                errors[index] << QStringLiteral("open: ") + s.error().toString();
            else if (Status s = catalog.insert(record(quint64(index + 1), QStringLiteral("n"), {}, 0)); !s)
                errors[index] << QStringLiteral("insert: ") + s.error().toString();
        };
        std::unique_ptr<QThread> threads[kWriters];
        for (int i = 0; i < kWriters; ++i) {
            threads[i].reset(QThread::create(opener, i));
            threads[i]->start();
        }
        for (auto &t : threads)
            QVERIFY(t->wait(120'000));
        for (const QStringList &e : errors)
            QVERIFY2(e.isEmpty(), qPrintable(QStringLiteral("round %1: %2").arg(round).arg(e.join(QLatin1Char('\n')))));
        Catalog check;
        QVERIFY(check.open(CatalogUrl::parse(url).value()).ok());
        QCOMPARE(check.files({}).value().size(), kWriters);
    }
}

void TestCatalog::urls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<bool>("postgres");
    QTest::addColumn<QString>("where"); // path, or host:port/database user
    QTest::newRow("sqlite path") << "sqlite:/var/lib/roomrec/catalog.sqlite" << true << false << "/var/lib/roomrec/catalog.sqlite";
    QTest::newRow("sqlite relative") << "sqlite:data/c b#1.sqlite" << true << false << "data/c b#1.sqlite";
    QTest::newRow("sqlite triple slash") << "sqlite:///tmp/c.sqlite" << true << false << "/tmp/c.sqlite";
    QTest::newRow("sqlite empty") << "sqlite:" << false << false << "";
    QTest::newRow("postgresql") << "postgresql://rec@db.example:6543/library" << true << true << "db.example:6543/library rec";
    QTest::newRow("postgres alias, default port") << "postgres://rec@10.0.0.5/library" << true << true << "10.0.0.5:5432/library rec";
    QTest::newRow("unix socket") << "postgresql://rec@localhost/lib?host=/run/postgresql" << true << true << "/run/postgresql:5432/lib rec";
    QTest::newRow("no database") << "postgresql://rec@db:5432/" << false << true << "";
    QTest::newRow("unknown parameter") << "postgresql://rec@db/lib?sslmode=none" << false << true << "";
    QTest::newRow("unknown scheme") << "mysql://rec@db/lib" << false << false << "";
    QTest::newRow("a bare path") << "/var/lib/catalog.sqlite" << false << false << "";
}

void TestCatalog::urls()
{
    QFETCH(QString, url);
    QFETCH(bool, valid);
    QFETCH(bool, postgres);
    QFETCH(QString, where);
    auto parsed = CatalogUrl::parse(url);
    QCOMPARE(parsed.ok(), valid);
    if (!valid) {
        QCOMPARE(parsed.error().code, int(ErrorCode::CatalogueFailed));
        return;
    }
    QCOMPARE(parsed->isShared(), postgres);
    if (postgres)
        QCOMPARE(QStringLiteral("%1:%2/%3 %4").arg(parsed->host()).arg(parsed->port()).arg(parsed->databaseName(), parsed->userName()), where);
    else
        QCOMPARE(parsed->path(), where);
    // A password never shows.
    auto withPassword = CatalogUrl::parse(QStringLiteral("postgresql://rec:s3cret@db/lib"));
    QCOMPARE(withPassword->password(), QStringLiteral("s3cret"));
    QVERIFY(!withPassword->toDisplayString().contains(QLatin1String("s3cret")));
    QVERIFY(!CatalogUrl::parse(QStringLiteral("postgresql://rec:s3cret@db/")).error().toString().contains(QLatin1String("s3cret")));
}

void TestCatalog::migratesAnUnversionedSqliteFile_data()
{
    // Only SQLite has catalogues from before schema versioning; PostgreSQL libraries start
    // at the current version (the other tests check that on both backends).
    QTest::addColumn<bool>("withPostProcessingColumns");
    QTest::newRow("before post-processing") << false;
    QTest::newRow("with post-processing") << true;
}

void TestCatalog::migratesAnUnversionedSqliteFile()
{
    QFETCH(bool, withPostProcessingColumns);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("catalog.sqlite"));
    {
        // The tables exactly as the unversioned catalogue made them, with rows in them.
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("legacy"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral(
            "CREATE TABLE files (id INTEGER PRIMARY KEY, recording_id INTEGER NOT NULL, segment_index INTEGER NOT NULL,"
            " name TEXT NOT NULL, tags TEXT NOT NULL, class_id INTEGER NOT NULL, relation_id INTEGER NOT NULL,"
            " room_id INTEGER NOT NULL, user_id TEXT NOT NULL, stream_kind INTEGER NOT NULL,"
            " started_at INTEGER NOT NULL, ended_at INTEGER, media_start_us INTEGER NOT NULL,"
            " duration_us INTEGER NOT NULL, size_bytes INTEGER NOT NULL, video_codec TEXT, audio_codec TEXT,"
            " width INTEGER, height INTEGER, state TEXT NOT NULL, storage_path TEXT NOT NULL, end_reason TEXT%1)")
                               .arg(withPostProcessingColumns ? QStringLiteral(", processing TEXT NOT NULL DEFAULT '',"
                                                                               " processing_state TEXT NOT NULL DEFAULT '',"
                                                                               " derived TEXT NOT NULL DEFAULT '[]'")
                                                              : QString())));
        QVERIFY(q.exec(QStringLiteral("CREATE INDEX files_name ON files(name)")));
        QVERIFY(q.exec(QStringLiteral("CREATE INDEX files_class ON files(class_id)")));
        QVERIFY(q.exec(QStringLiteral("CREATE INDEX files_recording ON files(recording_id, segment_index)")));
        QVERIFY(q.exec(QStringLiteral("CREATE INDEX files_state ON files(state)")));
        QVERIFY(q.exec(QStringLiteral("CREATE TABLE id_floor (k INTEGER PRIMARY KEY CHECK (k = 0), id INTEGER NOT NULL)")));
        QVERIFY(q.exec(QStringLiteral("INSERT INTO id_floor VALUES (0, 9000)")));
        const quint64 onNode3 = (quint64(1) << 30) | (3u << 12) | 1; // an ID made by node 3
        for (const quint64 id : {quint64(7), onNode3}) {
            QVERIFY(q.exec(QStringLiteral("INSERT INTO files VALUES (%1, %1, 0, 'old', '[\"math\",\"week 3\"]', 4, 15000, 1, 'alice', 0,"
                                          " 1700000000000, 1700000060000, 0, 60000000, 4096, 'h264', 'aac', 640, 360, 'complete',"
                                          " '/data/old.mp4', 'stopped'%2)")
                                   .arg(id)
                                   .arg(withPostProcessingColumns ? QStringLiteral(", 'screenshot', 'done', '[]'") : QString())));
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("legacy"));

    for (int open = 0; open < 2; ++open) { // the second open finds it migrated and changes nothing
        Catalog catalog;
        const Status opened = catalog.open(path);
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().toString()));
        QCOMPARE(SchemaMigrator::version(QSqlDatabase::database(catalog.connectionName()), QStringLiteral("catalog")).value(), 3);
        auto old = catalog.file(7);
        QVERIFY(old.ok());
        QCOMPARE(old->name, QStringLiteral("old"));
        QCOMPARE(old->tags, (QStringList{QStringLiteral("math"), QStringLiteral("week 3")}));
        QCOMPARE(old->durationUs, 60'000'000);
        QCOMPARE(old->processingState, withPostProcessingColumns ? QStringLiteral("done") : QString());
        QCOMPARE(catalog.files(FileFilter{{}, QStringLiteral("week 3")}).value().size(), 2); // tags indexed
        QCOMPARE(catalog.highestId().value(), (quint64(1) << 30) | (3u << 12) | 1);
        QVERIFY(catalog.insert(record(8, QStringLiteral("new"), {QStringLiteral("math")}, 4)).ok());
        QCOMPARE(catalog.files(FileFilter{{}, QStringLiteral("math")}).value().size(), 3);
        QVERIFY(catalog.remove(8).ok());
        QSqlQuery node(QSqlDatabase::database(catalog.connectionName()));
        QVERIFY(node.exec(QStringLiteral("SELECT node_id FROM files ORDER BY id")));
        QVERIFY(node.next());
        QCOMPARE(node.value(0).toInt(), 0);
        QVERIFY(node.next());
        QCOMPARE(node.value(0).toInt(), 3);
    }
    {
        // The floor of the old id_floor table survives: IDs handed out stay used.
        Catalog catalog;
        QVERIFY(catalog.open(path).ok());
        QVERIFY(catalog.remove(7).ok());
        QVERIFY(catalog.remove((quint64(1) << 30) | (3u << 12) | 1).ok());
        QCOMPARE(catalog.highestId().value(), quint64(9000));
    }
}

QTEST_GUILESS_MAIN(TestCatalog)
#include "tst_catalog.moc"
