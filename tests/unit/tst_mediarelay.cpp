// MediaRelay over real loopback sockets, driven directly (no RoomServer): a forwarded packet
// is written to every subscriber at once, so a subscriber whose peer has reset the connection
// fails inside the relay's loop over subscribers. The session must report that later, not
// from within the write, or the server (which drops a disconnected session from the relay)
// would change the subscriber list the relay is iterating over.
#include "protocol/controlmessage.h"
#include "protocol/forwardedmedia.h"
#include "protocol/framedecoder.h"
#include "server/clientsession.h"
#include "server/mediarelay.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

#include <memory>
#include <vector>

#include <poll.h>
#include <sys/socket.h>

using namespace roomrec;

namespace {
const RoomInfo kRoom{5, 6};

// One member: the client's socket (the test's end) and the server's session for it.
struct Member {
    std::unique_ptr<QTcpSocket> client;
    ClientSession *session = nullptr; // owned by the test's QObject tree
    qintptr serverEnd = -1;           // the session's socket
};

// The client side of a reset connection is gone; waits (outside any event loop) until the
// server's end has seen the reset, so the relay's next write to it fails.
bool waitForReset(qintptr serverSocket)
{
    pollfd p{int(serverSocket), POLLIN, 0};
    return ::poll(&p, 1, 5000) == 1 && (p.revents & (POLLHUP | POLLERR | POLLIN));
}
} // namespace

class TestMediaRelay : public QObject {
    Q_OBJECT
private slots:
    void subscribersResetMidForwardDisturbNobody_data()
    {
        QTest::addColumn<int>("resetCount"); // subscribers before the one who stays
        QTest::newRow("one") << 1;
        QTest::newRow("several") << 8;
    }
    void subscribersResetMidForwardDisturbNobody()
    {
        QFETCH(int, resetCount);
        QTcpServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost));
        QObject owner;
        SessionLimits limits;
        std::vector<Member> members;
        auto addMember = [&](const QString &user) {
            Member m;
            m.client = std::make_unique<QTcpSocket>();
            m.client->connectToHost(QHostAddress::LocalHost, listener.serverPort());
            QTcpSocket *client = m.client.get();
            if (!QTest::qWaitFor([&] { return listener.hasPendingConnections() && client->state() == QAbstractSocket::ConnectedState; }, 5000))
                return false;
            QTcpSocket *accepted = listener.nextPendingConnection();
            m.serverEnd = accepted->socketDescriptor();
            m.session = new ClientSession(quint64(members.size() + 1), new SessionConnection(accepted), limits, &owner);
            m.session->userId = user;
            m.session->room = kRoom;
            members.push_back(std::move(m));
            return true;
        };
        QVERIFY(addMember(QStringLiteral("alice")));
        ClientSession *alice = members.front().session;
        alice->video[int(Track::CameraVideo)] = VideoParams{QStringLiteral("h264"), 160, 90, 30, 1, {}};
        for (int i = 0; i < resetCount; ++i)
            QVERIFY(addMember(QStringLiteral("gone%1").arg(i)));
        QVERIFY(addMember(QStringLiteral("carol"))); // subscribes last: last in the relay's lists

        MediaRelay relay(1024 * 1024);
        QList<ClientSession *> room;
        for (const Member &m : members)
            room << m.session;
        int leftInsideACall = 0;
        bool forwarding = false;
        for (const Member &m : members) {
            // What RoomServer does with a disconnected session.
            connect(m.session, &ClientSession::disconnected, &owner, [&relay, &room, &forwarding, &leftInsideACall](ClientSession *s) {
                if (forwarding)
                    ++leftInsideACall;
                relay.leftRoom(s);
                room.removeOne(s);
            });
        }
        relay.published(alice, Track::CameraVideo);
        for (size_t i = 1; i < members.size(); ++i)
            relay.subscribe(members[i].session, ControlMessage(QStringLiteral("subscribe"), 1, {{QStringLiteral("userId"), QStringLiteral("alice")}}), room);
        QCOMPARE(relay.subscriberCount(), resetCount + 1);

        // The subscribers before carol reset their connections (RST, not a goodbye).
        for (int i = 1; i <= resetCount; ++i) {
            const qintptr serverEnd = members[size_t(i)].serverEnd;
            const linger reset{1, 0};
            ::setsockopt(int(members[size_t(i)].client->socketDescriptor()), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
            members[size_t(i)].client->abort();
            QVERIFY(waitForReset(serverEnd));
        }

        // Forwarded with no event loop in between: every write to a reset socket fails now.
        MediaPacket key;
        key.key = true;
        key.ptsUs = key.dtsUs = 33'000;
        key.durationUs = 33'333;
        key.data = QByteArray("\x00\x00\x00\x01\x65", 5) + QByteArray(2000, 'k');
        forwarding = true;
        relay.forward(alice, key);
        forwarding = false;
        QCOMPARE(leftInsideACall, 0);

        // carol got the packet once, intact; the reset ones are gone from the relay.
        QTRY_COMPARE(relay.subscriberCount(), 1);
        QTcpSocket &carol = *members.back().client;
        FrameDecoder decoder(FrameDecoder::Side::Client);
        int forwarded = 0;
        auto readCarol = [&] {
            decoder.feed(carol.readAll());
            for (;;) {
                auto frame = decoder.next();
                if (!frame || !frame.value())
                    return;
                if (frame.value()->kind != FrameKind::Forwarded)
                    continue; // the subscribe answer
                auto media = ForwardedMedia::decode(std::move(frame.value()->payload));
                if (media && media->userId == QLatin1String("alice") && media->packet.data == key.data)
                    ++forwarded;
            }
        };
        connect(&carol, &QTcpSocket::readyRead, &owner, readCarol);
        readCarol(); // what arrived before the connection
        QTRY_VERIFY(forwarded >= 1);
        QCOMPARE(forwarded, 1);
    }
};

QTEST_GUILESS_MAIN(TestMediaRelay)
#include "tst_mediarelay.moc"
