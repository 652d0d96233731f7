// ReadCoalescer: the mark follows the connection's rate, the kernel honours it (a small
// write below the mark is not reported readable), and tick() lets the remainder through.
#include "server/readcoalescer.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QtTest>

#ifdef Q_OS_LINUX
#include <sys/socket.h>
#endif

using namespace roomrec;

class TestReadCoalescer : public QObject {
    Q_OBJECT
private slots:
    void markFollowsRate_data();
    void markFollowsRate();
    void kernelHoldsBackBelowMarkUntilTick();
};

void TestReadCoalescer::markFollowsRate_data()
{
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<qint64>("elapsedMs");
    QTest::addColumn<int>("coalesceMs");
    QTest::addColumn<qint64>("mark");
    const int live = ReadCoalescer::kCoalesceMs;
    // 2.5 Mbit/s video + 128 kbit/s audio: ~328 KB a second, 13 KB per 40 ms.
    QTest::newRow("720p publisher") << qint64(328'000) << qint64(1000) << live << qint64(13'120);
    QTest::newRow("720p publisher nobody watches: 100 ms") << qint64(328'000) << qint64(1000) << ReadCoalescer::kRelaxedCoalesceMs << qint64(32'800);
    QTest::newRow("audio only: not coalesced") << qint64(16'000) << qint64(1000) << live << qint64(1);
    QTest::newRow("control only: not coalesced") << qint64(300) << qint64(500) << live << qint64(1);
    QTest::newRow("just at the floor") << qint64(ReadCoalescer::kMinMarkBytes * 25) << qint64(1000) << live << ReadCoalescer::kMinMarkBytes;
    QTest::newRow("capped") << qint64(100'000'000) << qint64(1000) << live << ReadCoalescer::kMaxMarkBytes;
    QTest::newRow("no time yet") << qint64(1'000'000) << qint64(0) << live << qint64(1);
}

void TestReadCoalescer::markFollowsRate()
{
    QFETCH(qint64, bytes);
    QFETCH(qint64, elapsedMs);
    QFETCH(int, coalesceMs);
    QFETCH(qint64, mark);
    QCOMPARE(ReadCoalescer::markFor(bytes, elapsedMs, coalesceMs), mark);
}

void TestReadCoalescer::kernelHoldsBackBelowMarkUntilTick()
{
#ifndef Q_OS_LINUX
    QSKIP("SO_RCVLOWAT coalescing is Linux only");
#else
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    QTcpSocket sender;
    sender.connectToHost(server.serverAddress(), server.serverPort());
    QTRY_VERIFY(server.hasPendingConnections());
    QTcpSocket *receiver = server.nextPendingConnection();
    QVERIFY(receiver);

    ReadCoalescer coalescer(receiver->socketDescriptor());
    qint64 received = 0;
    qint64 markWhenTailArrived = -1;
    bool tailSent = false;
    connect(receiver, &QTcpSocket::readyRead, this, [&] {
        const qint64 markBefore = coalescer.mark();
        const QByteArray bytes = receiver->readAll();
        received += bytes.size();
        if (tailSent && bytes.endsWith("tail"))
            markWhenTailArrived = markBefore;
        coalescer.onRead(bytes.size());
    });

    // A fast flow (64 KiB every 10 ms) until the coalescer raises the mark; then everything
    // is read (ticks let the remainder below the mark through) and the mark is up again. On a
    // very busy machine the rate measured over the drain can fall below the floor: flow again.
    qint64 sent = 0;
    QTimer flow;
    connect(&flow, &QTimer::timeout, this, [&] {
        sender.write(QByteArray(64 * 1024, 'm'));
        sent += 64 * 1024;
    });
    int ticks = 0;
    QTimer ticker;
    connect(&ticker, &QTimer::timeout, this, [&] {
        ++ticks;
        coalescer.tick();
    });
    for (int attempt = 0; attempt < 5 && coalescer.mark() <= 1; ++attempt) {
        flow.start(10);
        QTRY_VERIFY_WITH_TIMEOUT(coalescer.mark() > 1, 10'000);
        flow.stop();
        ticker.start(ReadCoalescer::kTickMs / 4);
        QTRY_COMPARE_WITH_TIMEOUT(received, sent, 10'000);
        ticker.stop();
    }
    QVERIFY(coalescer.mark() > 1);
    int kernelMark = 0;
    socklen_t length = sizeof kernelMark;
    QCOMPARE(::getsockopt(int(receiver->socketDescriptor()), SOL_SOCKET, SO_RCVLOWAT, &kernelMark, &length), 0);
    QCOMPARE(qint64(kernelMark), coalescer.mark());

    // Nothing is queued now: a few bytes, far below the mark, wait for tick().
    ticks = 0;
    tailSent = true;
    sender.write("tail");
    ticker.start(ReadCoalescer::kTickMs / 4);
    QTRY_VERIFY_WITH_TIMEOUT(markWhenTailArrived != -1, 10'000);
    QCOMPARE(received, sent + 4);
    // Delivered because tick() dropped the mark, not before: the kernel held the bytes back.
    QCOMPARE(markWhenTailArrived, qint64(1));
    QVERIFY(ticks >= 1);
#endif
}

QTEST_GUILESS_MAIN(TestReadCoalescer)
#include "tst_readcoalescer.moc"
