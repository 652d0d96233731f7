// CatalogWorker: the catalogue (a real SQLite file) on its own thread. Jobs run there in the
// order they were queued and their results come back to the caller's thread; requests beyond
// the bound are refused with CatalogueBusy (writes never are); a result for a context object
// that is gone is dropped; the caller's thread never waits. A job held on a gate stands in
// for a database that does not answer.
#include "library/catalogworker.h"
#include "protocol/errorcode.h"

#include <QSemaphore>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

namespace {
FileRecord recordWithId(quint64 id)
{
    FileRecord r;
    r.id = id;
    r.recordingId = id;
    r.name = QStringLiteral("file%1").arg(id);
    r.userId = QStringLiteral("alice");
    r.startedAt = QDateTime::currentDateTimeUtc();
    r.state = FileRecord::State::Recording;
    r.storagePath = QStringLiteral("/nowhere/%1.mp4").arg(id);
    return r;
}
} // namespace

class TestCatalogWorker : public QObject {
    Q_OBJECT
private slots:
    void init();
    void resultsComeBackOnTheCallersThreadInOrder();
    void requestsBeyondTheBoundAreRefused_data();
    void requestsBeyondTheBoundAreRefused();
    void resultForAGoneContextIsDropped();
    void destructionRunsWhatIsQueued();

private:
    // Holds the catalogue's thread until released: a database that stopped answering.
    void holdWorker(CatalogWorker &worker, QSemaphore &gate);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

void TestCatalogWorker::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("catalog.sqlite"));
}

void TestCatalogWorker::holdWorker(CatalogWorker &worker, QSemaphore &gate)
{
    QSemaphore started;
    worker.write([&gate, &started](Catalog &) {
        started.release();
        gate.acquire();
        return success();
    });
    started.acquire(); // the test thread may wait: it is not a server's network thread
}

void TestCatalogWorker::resultsComeBackOnTheCallersThreadInOrder()
{
    CatalogWorker worker;
    QVERIFY(worker.open(CatalogUrl::sqlite(m_path), 0).ok());
    QObject context;
    QList<QString> order;
    QThread *const testThread = QThread::currentThread();
    for (quint64 id = 1; id <= 20; ++id)
        worker.write([id](Catalog &c) { return c.insert(recordWithId(id)); });
    // A request queued after the writes sees all of them; a write's own result comes back too.
    worker.request<Result<QList<FileRecord>>>(
        &context, [](Catalog &c) { return c.files(FileFilter{}); },
        [&](const Result<QList<FileRecord>> &files) {
            QCOMPARE(QThread::currentThread(), testThread);
            order << QStringLiteral("list %1").arg(files ? files->size() : -1);
        });
    worker.write<Status>([](Catalog &c) { return c.remove(20); }, &context, [&](const Status &s) {
        QCOMPARE(QThread::currentThread(), testThread);
        order << QStringLiteral("removed %1").arg(s.ok());
    });
    QVERIFY(order.isEmpty()); // never inside the call
    QVERIFY(worker.drain(10'000));
    QCOMPARE(order, (QList<QString>{QStringLiteral("list 20"), QStringLiteral("removed 1")}));
    QCOMPARE(worker.queued(), 0);
}

void TestCatalogWorker::requestsBeyondTheBoundAreRefused_data()
{
    QTest::addColumn<int>("bound");
    QTest::newRow("1") << 1;
    QTest::newRow("4") << 4;
    QTest::newRow("32") << 32;
}

void TestCatalogWorker::requestsBeyondTheBoundAreRefused()
{
    QFETCH(int, bound);
    CatalogWorker worker(bound);
    QVERIFY(worker.open(CatalogUrl::sqlite(m_path), 0).ok());
    QSemaphore gate;
    holdWorker(worker, gate);
    QObject context;
    QList<int> answers; // 0: the job ran; else the refusal's code
    auto ask = [&] {
        worker.request<Result<FileRecord>>(
            &context, [](Catalog &c) { return c.file(1); },
            [&](const Result<FileRecord> &r) { answers << (r ? 0 : r.error().code); });
    };
    for (int i = 0; i < bound + 3; ++i)
        ask();
    // The refusals come at once, with the worker still held.
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 3, 5'000);
    QCOMPARE(answers, QList<int>(3, int(ErrorCode::CatalogueBusy)));
    QCOMPARE(worker.queuedRequests(), bound);
    QCOMPARE(worker.refused(), 3);
    // Writes (a recording's rows) are taken all the same.
    for (quint64 id = 1; id <= 5; ++id)
        worker.write([id](Catalog &c) { return c.insert(recordWithId(id)); });
    QCOMPARE(worker.queued(), bound + 5 + 1);
    gate.release();
    QVERIFY(worker.drain(10'000));
    // Every queued request ran, after the held job and before the writes queued after them
    // (the file was not there yet): FIFO.
    QCOMPARE(answers.size(), bound + 3);
    QCOMPARE(answers.mid(3), QList<int>(bound, int(ErrorCode::FileNotFound)));
    QCOMPARE(worker.call([](Catalog &c) { return c.files(FileFilter{}); })->size(), 5);
    // Room again once drained.
    answers.clear();
    ask();
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, 5'000);
    QCOMPARE(answers.first(), 0);
}

void TestCatalogWorker::resultForAGoneContextIsDropped()
{
    CatalogWorker worker;
    QVERIFY(worker.open(CatalogUrl::sqlite(m_path), 0).ok());
    QSemaphore gate;
    holdWorker(worker, gate);
    auto session = std::make_unique<QObject>(); // a client session that disconnects meanwhile
    bool called = false;
    bool ran = false;
    worker.request<Status>(
        session.get(),
        [&ran](Catalog &c) {
            ran = true;
            return c.insert(recordWithId(7));
        },
        [&called](const Status &) { called = true; });
    session.reset();
    gate.release();
    QVERIFY(worker.drain(10'000));
    QVERIFY(ran); // the work itself is done (a delete the client asked for still happens)
    QVERIFY(!called);
    QVERIFY(worker.call([](Catalog &c) { return c.file(7); }).ok());
}

void TestCatalogWorker::destructionRunsWhatIsQueued()
{
    {
        CatalogWorker worker;
        QVERIFY(worker.open(CatalogUrl::sqlite(m_path), 0).ok());
        QSemaphore gate;
        holdWorker(worker, gate);
        for (quint64 id = 1; id <= 10; ++id)
            worker.write([id](Catalog &c) { return c.insert(recordWithId(id)); });
        gate.release();
        // Destroyed at once, with the writes still queued: shutdown must not lose them.
    }
    Catalog catalog;
    QVERIFY(catalog.open(m_path).ok());
    QCOMPARE(catalog.files(FileFilter{})->size(), 10);
}

QTEST_GUILESS_MAIN(TestCatalogWorker)
#include "tst_catalogworker.moc"
