// LocalStream, the user's own stream as the desktop app's window sees it, without a window:
// capture for the preview, nothing encoded or published until asked, publishing that
// follows the room, and a recording of what it publishes.
#include "syncclient.h"

#include "client/localstream.h"
#include "protocol/errorcode.h"

#include "testserver.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

class TestLocalStream : public QObject {
    Q_OBJECT
private slots:
    void publishingFollowsWishAndRoom();
    void ensurePublishedThenRecord();
    void aSourceThatFailsIsNotRestartedInALoop();

private:
    static PublishedStream::Options testPattern()
    {
        PublishedStream::Options options;
        options.video = QStringLiteral("testpattern");
        options.audio = QStringLiteral("testtone");
        options.encoder.size = QSize(320, 180);
        return options;
    }
};

void TestLocalStream::publishingFollowsWishAndRoom()
{
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    SyncClient alice;
    MediaClock clock;
    LocalStream camera(alice.client(), clock, Track::CameraVideo);
    camera.setOptions(testPattern());
    int previews = 0;
    QList<bool> published;
    connect(&camera, &LocalStream::previewReady, this, [&previews](const QImage &) { ++previews; });
    connect(&camera, &LocalStream::publishedChanged, this, [&published](bool on) { published << on; });

    // Preview only: captured, nothing encoded, nothing published.
    camera.setCaptureWanted(true);
    QTRY_VERIFY(previews > 3);
    QVERIFY(camera.isCapturing());
    QVERIFY(!camera.isEncoding());

    // Wanted before there is a room: still nothing encoded until the client is in one.
    QVERIFY(alice.connect(server->port(), QStringLiteral("alice")).ok());
    camera.setPublishWanted(true);
    // A few more previews: any encoding request would have reached the worker by then.
    const int seen = previews;
    QTRY_VERIFY(previews > seen + 3);
    QVERIFY(!camera.isEncoding());
    QVERIFY(!camera.isPublished());
    QVERIFY(alice.createRoom(RoomInfo{1, 1}).ok());
    QTRY_VERIFY(camera.isPublished());
    QVERIFY(camera.isEncoding());
    QVERIFY(alice.client().isPublished(Track::CameraVideo));

    // Leaving the room stops encoding; the preview goes on; a room again publishes again.
    QVERIFY(alice.leaveRoom().ok());
    QTRY_VERIFY(!camera.isEncoding());
    QVERIFY(!camera.isPublished());
    const int before = previews;
    QTRY_VERIFY(previews > before + 3);
    QVERIFY(alice.createRoom(RoomInfo{1, 1}).ok()); // the room went with its last member
    QTRY_VERIFY(camera.isPublished());

    // Unticked: unpublished and the encoder closed; stopAll: capture ends, stopped() says so.
    camera.setPublishWanted(false);
    QTRY_VERIFY(!camera.isEncoding());
    QVERIFY(!alice.client().isPublished(Track::CameraVideo));
    QSignalSpy stopped(&camera, &LocalStream::stopped);
    camera.stopAll();
    QTRY_COMPARE(stopped.count(), 1);
    QVERIFY(camera.isIdle());
    QCOMPARE(published, (QList<bool>{true, false, true, false}));
}

void TestLocalStream::ensurePublishedThenRecord()
{
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    SyncClient alice;
    MediaClock clock;
    LocalStream screen(alice.client(), clock, Track::SubStreamVideo);
    PublishedStream::Options options = testPattern();
    options.video = QStringLiteral("testpattern");
    screen.setOptions(options);
    QVERIFY(alice.connect(server->port(), QStringLiteral("alice")).ok());
    QVERIFY(alice.createRoom(RoomInfo{1, 1}).ok());
    QVERIFY(screen.isIdle()); // never captured until asked

    bool done = false;
    int failed = 0;
    QList<bool> wanted;
    connect(&screen, &LocalStream::publishWantedChanged, this, [&wanted](bool on) { wanted << on; });
    screen.ensurePublished([&done] { done = true; }, [&failed](int code, const QString &) { failed = code; });
    QTRY_VERIFY(done || failed);
    QCOMPARE(failed, 0);
    QVERIFY(screen.isPublished());
    QCOMPARE(wanted, QList<bool>{true}); // the toggle shows it
    QVERIFY(alice.startRecording(RoomInfo{1, 1}, SyncClient::param(QStringLiteral("shared"), 1)).ok());
    QVERIFY(alice.recordFrames(20));
    auto ids = alice.stopRecording(RoomInfo{1, 1});
    QVERIFY(ids.ok());
    QCOMPARE(ids->size(), 1);

    // Outside a room it cannot be published: an error, not a wait.
    QVERIFY(alice.leaveRoom().ok());
    int code = 0;
    screen.ensurePublished({}, [&code](int c, const QString &) { code = c; });
    QCOMPARE(code, int(ErrorCode::NotInRoom));
}

void TestLocalStream::aSourceThatFailsIsNotRestartedInALoop()
{
    SyncClient alice;
    MediaClock clock;
    LocalStream camera(alice.client(), clock, Track::CameraVideo);
    PublishedStream::Options options = testPattern();
    options.video = QStringLiteral("no-such-camera");
    camera.setOptions(options);
    QSignalSpy errors(&camera, &LocalStream::errorOccurred);
    QSignalSpy stopped(&camera, &LocalStream::stopped);
    camera.setCaptureWanted(true);
    QTRY_COMPARE(stopped.count(), 1);
    QCOMPARE(errors.count(), 1);
    QCOMPARE(errors.first().at(0).toInt(), int(ErrorCode::SourceUnavailable));
    QVERIFY(!camera.captureWanted());
    // A restart would have made a new worker right away, in the same call that said stopped.
    QVERIFY(camera.isIdle());
    QVERIFY(camera.worker() == nullptr);
}

QTEST_MAIN(TestLocalStream)
#include "tst_localstream.moc"
