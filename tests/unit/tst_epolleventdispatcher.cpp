// The network threads' epoll event loop does what Qt's own does for the code that runs on
// it: queued calls and posted events, timers (repeating, single-shot, zero, stopped from a
// handler), sockets (accepting, reading, writing more than the kernel buffers, the peer
// hanging up) and quitting the thread.
#include "server/epolleventdispatcher.h"

#include <QElapsedTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <QtTest>

using namespace roomrec;

class TestEpollEventDispatcher : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void queuedCallsRunInOrder();
    void wakeUpsAreNeverLost();
    void timersFireAndStop();
    void socketsEchoAndSeeTheHangUp();
    void quitEndsTheThread();

private:
    // Runs `work` on the loop's thread and waits for it to be done.
    void onLoop(const std::function<void()> &work)
    {
        std::atomic<bool> done{false};
        QMetaObject::invokeMethod(m_anchor, [&] {
            work();
            done = true;
        }, Qt::QueuedConnection);
        QVERIFY(QTest::qWaitFor([&] { return done.load(); }, 10000));
    }

    QThread *m_thread = nullptr;
    QObject *m_anchor = nullptr; // lives in the loop's thread
};

void TestEpollEventDispatcher::init()
{
    m_thread = new QThread;
    m_thread->setEventDispatcher(new EpollEventDispatcher);
    m_anchor = new QObject;
    m_anchor->moveToThread(m_thread);
    m_thread->start();
}

void TestEpollEventDispatcher::cleanup()
{
    QMetaObject::invokeMethod(m_anchor, [anchor = m_anchor] { delete anchor; }, Qt::QueuedConnection);
    m_thread->quit();
    QVERIFY(m_thread->wait(10000));
    delete m_thread;
}

void TestEpollEventDispatcher::queuedCallsRunInOrder()
{
    QVERIFY(qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance(m_thread)));
    QList<int> seen;
    QMutex lock;
    for (int i = 0; i < 1000; ++i) {
        QMetaObject::invokeMethod(m_anchor, [&, i] {
            QMutexLocker locker(&lock);
            seen << i;
        }, Qt::QueuedConnection);
    }
    QVERIFY(QTest::qWaitFor([&] { QMutexLocker locker(&lock); return seen.size() == 1000; }, 10000));
    QMutexLocker locker(&lock);
    for (int i = 0; i < 1000; ++i)
        QCOMPARE(seen.at(i), i);
}

void TestEpollEventDispatcher::wakeUpsAreNeverLost()
{
    // Two threads post while the loop is busy taking earlier wake-ups: a wake-up lost in
    // between (once read a loop's eventfd counter while its "woken" flag stayed set) would
    // leave the loop asleep with calls waiting, and no later post would wake it.
    constexpr int kPerThread = 50'000;
    for (int round = 0; round < 10; ++round) {
        std::atomic<int> ran{0};
        auto poster = [&] {
            for (int i = 0; i < kPerThread; ++i) {
                QMetaObject::invokeMethod(m_anchor, [&] { ++ran; }, Qt::QueuedConnection);
                if (i % 64 == 0)
                    QThread::yieldCurrentThread(); // let the loop catch up and sleep now and then
            }
        };
        std::unique_ptr<QThread> posters[2] = {std::unique_ptr<QThread>(QThread::create(poster)),
                                               std::unique_ptr<QThread>(QThread::create(poster))};
        for (auto &t : posters)
            t->start();
        for (auto &t : posters)
            QVERIFY(QTest::qWaitFor([&] { return t->isFinished(); }, 60000));
        QTRY_COMPARE_WITH_TIMEOUT(ran.load(), 2 * kPerThread, 20000);
    }
}

void TestEpollEventDispatcher::timersFireAndStop()
{
    std::atomic<int> repeats{0}, singleShots{0}, zeros{0}, stoppedFired{0};
    std::atomic<int> remaining{-2};
    std::atomic<qint64> singleShotAfterUs{-1};
    QTimer *repeating = nullptr;
    onLoop([&] {
        repeating = new QTimer(m_anchor);
        repeating->setInterval(5);
        connect(repeating, &QTimer::timeout, m_anchor, [&] {
            if (++repeats == 5)
                repeating->stop(); // from its own handler
        });
        repeating->start();
        auto *since = new QElapsedTimer;
        since->start();
        QTimer::singleShot(20, Qt::PreciseTimer, m_anchor, [&, since] {
            singleShotAfterUs = since->nsecsElapsed() / 1000; // never early, as Qt's own loop
            delete since;
            ++singleShots;
        });
        auto *zero = new QTimer(m_anchor);
        zero->setInterval(0);
        connect(zero, &QTimer::timeout, m_anchor, [&, zero] {
            if (++zeros == 3)
                zero->stop();
        });
        zero->start();
        // Stopped by an earlier timer before it is due: never fires.
        auto *victim = new QTimer(m_anchor);
        victim->setSingleShot(true);
        connect(victim, &QTimer::timeout, m_anchor, [&] { ++stoppedFired; });
        victim->start(200);
        remaining = victim->remainingTime();
        QTimer::singleShot(10, m_anchor, [victim] { victim->stop(); });
    });
    QVERIFY(remaining > 100 && remaining <= 200);
    QTRY_COMPARE(repeats.load(), 5);
    QTRY_COMPARE(singleShots.load(), 1);
    QVERIFY2(singleShotAfterUs >= 20'000, qPrintable(QString::number(singleShotAfterUs.load())));
    QTRY_COMPARE(zeros.load(), 3);
    // A marker due after the stopped timer's deadline (200 ms from its start, earlier than
    // this): once the loop has fired it, anything that was going to fire has.
    std::atomic<bool> markerFired{false};
    onLoop([&] { QTimer::singleShot(250, Qt::PreciseTimer, m_anchor, [&] { markerFired = true; }); });
    QTRY_VERIFY(markerFired.load());
    QCOMPARE(repeats.load(), 5);
    QCOMPARE(singleShots.load(), 1);
    QCOMPARE(zeros.load(), 3);
    QCOMPARE(stoppedFired.load(), 0);
}

void TestEpollEventDispatcher::socketsEchoAndSeeTheHangUp()
{
    // An echo server on the loop; the client on the test's own (Qt's) loop sends 8 MiB,
    // far more than the kernel buffers, so both sides' write notifiers come and go.
    QTcpServer *server = nullptr;
    std::atomic<quint16> port{0};
    std::atomic<int> hangUps{0};
    onLoop([&] {
        server = new QTcpServer(m_anchor);
        QVERIFY(server->listen(QHostAddress::LocalHost));
        port = server->serverPort();
        connect(server, &QTcpServer::newConnection, server, [&] {
            QTcpSocket *s = server->nextPendingConnection();
            connect(s, &QTcpSocket::readyRead, s, [s] { s->write(s->readAll()); });
            connect(s, &QTcpSocket::disconnected, s, [&, s] {
                ++hangUps;
                s->deleteLater();
            });
        });
    });
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(QTest::qWaitFor([&] { return client.state() == QAbstractSocket::ConnectedState; }, 5000));
    QByteArray sent(8 * 1024 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < sent.size(); ++i)
        sent[i] = char(i * 7 + i / 4096);
    client.write(sent);
    QByteArray echoed;
    QVERIFY(QTest::qWaitFor([&] {
        echoed += client.readAll();
        return echoed.size() >= sent.size();
    }, 30000));
    QCOMPARE(echoed.size(), sent.size());
    QVERIFY(echoed == sent);
    client.disconnectFromHost();
    QTRY_COMPARE(hangUps.load(), 1);
}

void TestEpollEventDispatcher::quitEndsTheThread()
{
    QThread thread;
    thread.setEventDispatcher(new EpollEventDispatcher);
    thread.start();
    QObject anchor;
    anchor.moveToThread(&thread);
    std::atomic<bool> ran{false};
    QMetaObject::invokeMethod(&anchor, [&] {
        ran = true;
        QThread::currentThread()->quit();
    }, Qt::QueuedConnection);
    QTRY_VERIFY(thread.isFinished());
    QVERIFY(ran);
    QVERIFY(thread.wait(1000));
}

QTEST_GUILESS_MAIN(TestEpollEventDispatcher)
#include "tst_epolleventdispatcher.moc"
