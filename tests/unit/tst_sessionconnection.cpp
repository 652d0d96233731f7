// SessionConnection, on the session's own thread and on a network thread (with the network
// threads' epoll loop on Linux): frames come out
// decoded and in order (nothing read before start() is lost), broken framing stops reading,
// writes from the session's thread reach the peer byte for byte and in order, unsentBytes()
// counts what the peer leaves unread (outbox and socket), close() sends what was written
// first, and the disconnect is reported once.
#include "protocol/frame.h"
#include "server/sessionconnection.h"
#ifdef ROOMREC_EPOLL_DISPATCHER
#include "server/epolleventdispatcher.h"
#endif

#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QtTest>

#include <utility>

using namespace roomrec;

namespace {

QByteArray controlFrame(int n)
{
    return Frame{FrameKind::Control, ControlMessage(QStringLiteral("ping"), quint64(n), {}).encode()}.encode();
}

QByteArray mediaFrame(int n, int bytes)
{
    MediaPacket p;
    p.track = n % 3 == 0 ? Track::CameraAudio : Track::CameraVideo;
    p.key = n % 30 == 1;
    p.ptsUs = p.dtsUs = n * 33'333LL;
    p.durationUs = 33'333;
    p.data = QByteArray(bytes, char('a' + n % 26));
    return Frame{FrameKind::Media, p.encode()}.encode();
}

// One loopback connection: the peer (the test's client socket) and the server's end wrapped
// in a SessionConnection, moved to a network thread when asked.
class Harness : public QObject {
public:
    explicit Harness(bool onNetworkThread)
    {
        QVERIFY(m_listener.listen(QHostAddress::LocalHost));
        peer.connectToHost(QHostAddress::LocalHost, m_listener.serverPort());
        QVERIFY(QTest::qWaitFor([&] { return m_listener.hasPendingConnections() && peer.state() == QAbstractSocket::ConnectedState; }, 5000));
        connection = new SessionConnection(m_listener.nextPendingConnection());
        if (onNetworkThread) {
#ifdef ROOMREC_EPOLL_DISPATCHER
            m_thread.setEventDispatcher(new EpollEventDispatcher); // as NetworkThreads' threads
#endif
            m_thread.start();
            connection->moveToThread(&m_thread);
        }
        connect(connection, &SessionConnection::received, this, [this](const QList<Incoming> &batch, qint64 bytes) {
            items += batch;
            if (!holdBack)
                connection->consumed(bytes);
            else
                unconsumed += bytes;
        });
        connect(connection, &SessionConnection::disconnected, this, [this] { ++disconnects; });
    }
    ~Harness() override
    {
        connection->disconnect(this);
        if (m_thread.isRunning()) {
            connection->deleteLater();
            m_thread.quit();
            m_thread.wait();
        } else {
            delete connection;
        }
    }

    QTcpSocket peer;
    SessionConnection *connection = nullptr;
    QList<Incoming> items;
    int disconnects = 0;
    bool holdBack = false; // a busy session: batches are not handed back
    qint64 unconsumed = 0;

private:
    QTcpServer m_listener;
    QThread m_thread;
};

} // namespace

class TestSessionConnection : public QObject {
    Q_OBJECT
private slots:
    void framesArriveDecodedInOrder_data() { threads(); }
    void framesArriveDecodedInOrder()
    {
        QFETCH(bool, onNetworkThread);
        Harness h(onNetworkThread);
        // Sent before start(): kept in the socket, not lost.
        QByteArray wire;
        constexpr int kFrames = 300;
        for (int i = 1; i <= kFrames; ++i) {
            wire += i % 4 == 0 ? controlFrame(i) : mediaFrame(i, 100 + 97 * i % 9000);
            if (i == 150) // not CBOR: refused, and the stream goes on
                wire += Frame{FrameKind::Control, QByteArray("\xff\xff", 2)}.encode();
        }
        h.peer.write(wire.left(5000));
        QVERIFY(h.peer.flush());
        h.connection->start();
        h.peer.write(wire.mid(5000));
        QTRY_COMPARE_WITH_TIMEOUT(h.items.size(), kFrames + 1, 10000);
        int n = 0;
        for (qsizetype i = 0; i < h.items.size(); ++i) {
            const Incoming &item = h.items.at(i);
            if (i == 150) {
                const auto *fault = std::get_if<FramingFault>(&item);
                QVERIFY(fault);
                QVERIFY(!fault->fatal);
                continue;
            }
            ++n;
            if (n % 4 == 0) {
                QVERIFY(std::holds_alternative<ControlMessage>(item));
                QCOMPARE(std::get<ControlMessage>(item).id(), quint64(n));
            } else {
                QVERIFY(std::holds_alternative<MediaPacket>(item));
                const MediaPacket &p = std::get<MediaPacket>(item);
                QCOMPARE(p.ptsUs, n * 33'333LL);
                QCOMPARE(p.data, QByteArray(100 + 97 * n % 9000, char('a' + n % 26)));
            }
        }
        QCOMPARE(n, kFrames);
    }

    void brokenFramingStopsReading_data() { threads(); }
    void brokenFramingStopsReading()
    {
        QFETCH(bool, onNetworkThread);
        Harness h(onNetworkThread);
        h.connection->start();
        QByteArray unknownKind = Frame{FrameKind::Control, QByteArray(8, 'x')}.encode();
        unknownKind[4] = char(9);
        h.peer.write(controlFrame(1) + unknownKind + controlFrame(2));
        QTRY_COMPARE(h.items.size(), 2);
        QVERIFY(std::holds_alternative<ControlMessage>(h.items.at(0)));
        QVERIFY(std::get<FramingFault>(h.items.at(1)).fatal);
        // Nothing after the break is read: more bytes bring no more items, and the
        // connection still closes cleanly.
        h.peer.write(controlFrame(3));
        h.connection->close();
        QTRY_COMPARE(h.disconnects, 1);
        QCOMPARE(h.items.size(), 2);
    }

    void writesKeepTheirOrder_data() { threads(); }
    void writesKeepTheirOrder()
    {
        QFETCH(bool, onNetworkThread);
        Harness h(onNetworkThread);
        h.connection->start();
        QByteArray expected;
        for (int i = 0; i < 500; ++i) {
            const QByteArray chunk(1 + (i * 7919) % 20'000, char(i % 251));
            expected += chunk;
            h.connection->write(chunk, i % 2 == 0);
        }
        QByteArray got;
        QTRY_VERIFY_WITH_TIMEOUT((got += h.peer.readAll()).size() >= expected.size(), 10000);
        QCOMPARE(got.size(), expected.size());
        QVERIFY(got == expected);
        QTRY_COMPARE(h.connection->unsentBytes(), qint64(0));
    }

    void unsentCountsWhatThePeerLeavesUnread_data() { threads(); }
    void unsentCountsWhatThePeerLeavesUnread()
    {
        QFETCH(bool, onNetworkThread);
        Harness h(onNetworkThread);
        h.connection->setSendBufferBytes(64 * 1024);
        h.peer.setReadBufferSize(64 * 1024); // the peer's Qt buffer stays small too
        h.connection->start();
        constexpr qint64 kWritten = 32LL * 1024 * 1024;
        const QByteArray chunk(64 * 1024, 'u');
        for (qint64 done = 0; done < kWritten; done += chunk.size())
            h.connection->write(chunk, true);
        // The kernel's buffers hold a few MiB at most: the rest is counted as unsent.
        QTRY_VERIFY(h.connection->unsentBytes() > kWritten / 2);
        QVERIFY(h.connection->unsentBytes() <= kWritten);
        // The peer reads everything: the count goes back to nothing.
        h.peer.setReadBufferSize(0);
        qint64 read = 0;
        QTRY_VERIFY_WITH_TIMEOUT((read += h.peer.readAll().size()) == kWritten, 20000);
        QTRY_COMPARE(h.connection->unsentBytes(), qint64(0));
    }

    void closeSendsWhatWasWrittenFirst_data() { threads(); }
    void closeSendsWhatWasWrittenFirst()
    {
        QFETCH(bool, onNetworkThread);
        Harness h(onNetworkThread);
        h.connection->start();
        const QByteArray goodbye(300'000, 'g');
        h.connection->write(goodbye, false);
        h.connection->close();
        QByteArray got;
        QTRY_VERIFY_WITH_TIMEOUT((got += h.peer.readAll()).size() >= goodbye.size()
                                     && h.peer.state() == QAbstractSocket::UnconnectedState,
                                 10000);
        QCOMPARE(got, goodbye);
        QTRY_COMPARE(h.disconnects, 1);
        QVERIFY(h.connection->isGone());
    }

    void abortReportsOnce_data() { threads(); }
    void abortReportsOnce()
    {
        QFETCH(bool, onNetworkThread);
        Harness h(onNetworkThread);
        h.connection->start();
        h.connection->abort();
        h.connection->close(); // a second ending changes nothing
        QVERIFY(h.connection->isGone());
        QTRY_COMPARE(h.disconnects, 1);
        QTRY_COMPARE(h.peer.state(), QAbstractSocket::UnconnectedState);
        h.connection->write(QByteArray(1000, 'x'), true); // after the end: dropped, not queued
        QCOMPARE(h.connection->unsentBytes(), qint64(0));
        QCOMPARE(h.disconnects, 1);
    }

    void peerHangingUpIsReported_data() { threads(); }
    void peerHangingUpIsReported()
    {
        QFETCH(bool, onNetworkThread);
        Harness h(onNetworkThread);
        h.connection->start();
        h.peer.write(controlFrame(1));
        QTRY_COMPARE(h.items.size(), 1);
        h.peer.disconnectFromHost();
        QTRY_COMPARE(h.disconnects, 1);
        QVERIFY(h.connection->isGone());
    }

    void busySessionHoldsThePeerBack_data() { threads(); }
    void busySessionHoldsThePeerBack()
    {
        QFETCH(bool, onNetworkThread);
        Harness h(onNetworkThread);
        h.holdBack = true;
        h.connection->start();
        constexpr int kFrames = 6400; // 10 KB each: 64 MB, far beyond every buffer on the way
        QByteArray wire;
        for (int i = 1; i <= kFrames; ++i)
            wire += mediaFrame(i, 10'000);
        h.peer.write(wire);
        QTRY_VERIFY(h.unconsumed > SessionConnection::kMaxUndeliveredBytes);
        // Unbounded, loopback would bring the whole 64 MB within this window; bounded, what
        // is read stays within the limit, one read buffer and the kernel's buffers.
        QVERIFY(!QTest::qWaitFor([&] { return h.unconsumed > 40LL * 1000 * 1000; }, 3000));
        QVERIFY(h.items.size() < kFrames);
        QVERIFY(h.peer.bytesToWrite() > 0); // TCP holds the peer back
        // The session catches up: the rest comes, all of it, in order.
        h.holdBack = false;
        h.connection->consumed(std::exchange(h.unconsumed, 0));
        QTRY_COMPARE_WITH_TIMEOUT(h.items.size(), kFrames, 30000);
        for (int i = 0; i < kFrames; i += 997)
            QCOMPARE(std::get<MediaPacket>(h.items.at(i)).ptsUs, (i + 1) * 33'333LL);
    }

    void hangUpBeforeStartIsReportedOnce_data() { threads(); }
    void hangUpBeforeStartIsReportedOnce()
    {
        QFETCH(bool, onNetworkThread);
        Harness h(onNetworkThread);
        // As on the server, where the session starts listening after the connection moved
        // to its thread: nobody listens yet when the peer hangs up.
        QVERIFY(h.connection->disconnect(&h));
        h.peer.disconnectFromHost();
        QTRY_VERIFY(h.connection->isGone()); // seen before anyone listens...
        connect(h.connection, &SessionConnection::disconnected, &h, [&h] { ++h.disconnects; });
        h.connection->start();
        QTRY_COMPARE(h.disconnects, 1); // ...and told once someone does
    }

    void closingToAPeerThatNeverReadsEnds_data() { threads(); }
    void closingToAPeerThatNeverReadsEnds()
    {
        QFETCH(bool, onNetworkThread);
        Harness h(onNetworkThread);
        h.connection->setSendBufferBytes(64 * 1024);
        h.peer.setReadBufferSize(64 * 1024);
        h.connection->start();
        h.connection->write(QByteArray(32 * 1024 * 1024, 'n'), true);
        h.connection->close();
        // It cannot hand its bytes over, so it is cut off after a grace period.
        QTRY_COMPARE_WITH_TIMEOUT(h.disconnects, 1, 20000);
        QVERIFY(h.connection->isGone());
    }

private:
    static void threads()
    {
        QTest::addColumn<bool>("onNetworkThread");
        QTest::newRow("session's thread") << false;
        QTest::newRow("network thread") << true;
    }
};

QTEST_GUILESS_MAIN(TestSessionConnection)
#include "tst_sessionconnection.moc"
