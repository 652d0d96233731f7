// The microphone's echo canceller in the app's real publish path: a RoomSession publishing
// its camera with a tone (the headless stand-in for the microphone) in a room on a real
// server, and a second member whose audio the session decodes and plays (the labelled test
// sink: consumed at the real-time rate, as speakers would). The canceller runs only while
// remote audio plays; without cancellation (turned off here, or a build without
// webrtc-audio-processing) the session advises headphones instead.
#include "syncclient.h"
#include "testserver.h"

#include "client/roomsession.h"
#include "media/echocanceller.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

namespace {
const RoomInfo kRoom{1, 1};
constexpr qint64 kOneSecond = 100; // 10 ms frames

PublishedStream::Options testPattern()
{
    PublishedStream::Options options;
    options.video = QStringLiteral("testpattern");
    options.audio = QStringLiteral("testtone");
    options.encoder.size = QSize(320, 180);
    options.encoder.frameRate = 15;
    options.encoder.gopFrames = 15;
    return options;
}

// Alice: a session in the room, publishing her camera and microphone (tone), playing what
// she receives through the test sink.
struct Alice {
    QTemporaryDir dir;
    std::unique_ptr<RoomServer> server;
    RoomSession session; // before the server goes
    PublishStats stats;
    qint64 statsUpdates = 0;

    bool enter(bool echoCancellation)
    {
        server = startTestServer(dir.path());
        if (!server)
            return false;
        session.setEchoCancellation(echoCancellation);
        session.subscriptions().setMediaOptions(RemoteMedia::Options{160, {}, true});
        LocalStream &camera = session.stream(Track::CameraVideo);
        camera.setOptions(testPattern());
        QObject::connect(&camera, &LocalStream::statsUpdated, &session, [this](const PublishStats &s) {
            stats = s;
            ++statsUpdates;
        });
        ServerTarget target;
        target.port = server->port();
        target.userId = QStringLiteral("alice");
        session.connectAndJoin(target, kRoom, RoomKind::MultiParty);
        if (!QTest::qWaitFor([this] { return session.state() == ClientState::InRoom; }, 15'000))
            return false;
        camera.setPublishWanted(true);
        return QTest::qWaitFor([&camera] { return camera.isPublished() && camera.isEncoding(); }, 15'000);
    }

    // Stats as of a moment after now (they come once a second from the pipeline's thread).
    bool freshStats()
    {
        const qint64 seen = statsUpdates;
        return QTest::qWaitFor([this, seen] { return statsUpdates >= seen + 2; }, 15'000);
    }
};
} // namespace

class TestEchoCancellation : public QObject {
    Q_OBJECT
private slots:
    void cancelsOnlyWhileRemoteAudioPlays()
    {
        if (!EchoCanceller::isAvailable())
            QSKIP("built without webrtc-audio-processing: see headphonesAdvisedWithoutCancellation");
        Alice alice;
        QVERIFY(alice.enter(true));
        RoomSession &session = alice.session;
        QVERIFY(session.echoCancellation());

        // Alone: nothing plays, so every microphone frame passes the canceller untouched.
        QTRY_VERIFY_WITH_TIMEOUT(alice.stats.echoFramesBypassed >= 2 * kOneSecond, 15'000);
        QCOMPARE(alice.stats.echoFramesCancelled, 0);
        QVERIFY(!session.echoReference().isRemoteAudioPlaying());
        QVERIFY(!session.headphonesAdvised());

        // Bob publishes his tone: alice plays it, and her microphone is cancelled against it.
        SyncClient bob;
        QVERIFY(bob.connect(alice.server->port(), QStringLiteral("bob")).ok());
        QVERIFY(bob.joinRoom(kRoom).ok());
        QVERIFY(bob.publish(Track::CameraVideo, QSize(320, 180), 15, 15).ok());
        QTRY_VERIFY_WITH_TIMEOUT(session.echoReference().isRemoteAudioPlaying(), 15'000);
        QTRY_VERIFY_WITH_TIMEOUT(alice.stats.echoFramesCancelled >= 2 * kOneSecond, 15'000);
        QVERIFY(session.echoReference().framesTaken() > 0); // the played sound reached the AEC
        QVERIFY(!session.headphonesAdvised());

        // Bob stops: once nothing plays, the canceller is bypassed again and stays so.
        bob.stopPublishing();
        QTRY_VERIFY_WITH_TIMEOUT(!session.echoReference().isRemoteAudioPlaying(), 15'000);
        QVERIFY(alice.freshStats());
        const qint64 cancelled = alice.stats.echoFramesCancelled;
        const qint64 bypassed = alice.stats.echoFramesBypassed;
        QTRY_VERIFY_WITH_TIMEOUT(alice.stats.echoFramesBypassed >= bypassed + 2 * kOneSecond, 15'000);
        QCOMPARE(alice.stats.echoFramesCancelled, cancelled);
    }

    // The fallback: without cancellation, the session says headphones are needed exactly
    // while remote audio plays and the microphone is on; the microphone is never processed.
    void headphonesAdvisedWithoutCancellation()
    {
        Alice alice;
        QVERIFY(alice.enter(false));
        RoomSession &session = alice.session;
        QVERIFY(!session.echoCancellation());
        QSignalSpy advice(&session, &RoomSession::headphonesAdvisedChanged);
        QVERIFY(alice.freshStats());
        QVERIFY(!session.headphonesAdvised()); // alone in the room

        SyncClient bob;
        QVERIFY(bob.connect(alice.server->port(), QStringLiteral("bob")).ok());
        QVERIFY(bob.joinRoom(kRoom).ok());
        QVERIFY(bob.publish(Track::CameraVideo, QSize(320, 180), 15, 15).ok());
        QTRY_VERIFY_WITH_TIMEOUT(session.headphonesAdvised(), 15'000);
        QVERIFY(!advice.isEmpty());
        QCOMPARE(advice.first().at(0).toBool(), true);
        QCOMPARE(advice.last().at(0).toBool(), true);

        // Microphone off (the camera stream stops encoding): no advice while others play.
        LocalStream &camera = session.stream(Track::CameraVideo);
        camera.setPublishWanted(false);
        camera.setCaptureWanted(false);
        QTRY_VERIFY_WITH_TIMEOUT(!session.headphonesAdvised(), 15'000);
        QCOMPARE(advice.last().at(0).toBool(), false);
        camera.setPublishWanted(true);
        QTRY_VERIFY_WITH_TIMEOUT(session.headphonesAdvised(), 15'000);

        // Bob stops: nothing plays, no advice.
        bob.stopPublishing();
        QTRY_VERIFY_WITH_TIMEOUT(!session.headphonesAdvised(), 15'000);
        QCOMPARE(advice.last().at(0).toBool(), false);
        QVERIFY(advice.count() >= 4); // on, off (mic), on, off (nothing plays)
        QCOMPARE(alice.stats.echoFramesCancelled, 0);
        QCOMPARE(alice.stats.echoFramesBypassed, 0); // no canceller at all
    }
};

QTEST_MAIN(TestEchoCancellation)
#include "tst_echocancellation.moc"
