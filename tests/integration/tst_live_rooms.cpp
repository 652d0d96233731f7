// Live rooms (issue 10): members see and hear each other through the server, which forwards
// the encoded packets as they are (SFU). Real server in this process, real encoder (test
// pattern + test tone), real decoders, and roomrec-cli watch as a child process.
#include "mp4inspector.h"
#include "rawpeer.h"
#include "syncclient.h"
#include "catalogprobe.h"
#include "testserver.h"

#include "client/publishedstream.h"
#include "client/remotemedia.h"
#include "protocol/errorcode.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <csignal>
#include <sys/socket.h>

using namespace roomrec;

namespace {
const RoomInfo kRoom{77, 1};
constexpr int kGopFrames = 30; // at 30 fps: one key frame a second

// The video packets one side saw of one track, in order.
struct VideoLog {
    qint64 frames = 0;
    qint64 keyFrames = 0;
    bool firstWasKey = false;
    QCryptographicHash checksum{QCryptographicHash::Sha1};

    void add(const MediaPacket &p)
    {
        if (frames == 0)
            firstWasKey = p.key;
        ++frames;
        keyFrames += p.key ? 1 : 0;
        checksum.addData(p.data);
    }
    QByteArray sum() const { return checksum.result(); }
};

// A publisher whose every sent packet the test sees: the pipeline starts only after the
// server took the stream and the tap is connected, so the tap and the client get the same
// packets from the first one on.
class TappedPublisher {
public:
    TappedPublisher(SyncClient &client, QSize size) : m_client(client)
    {
        PublishedStream::Options options;
        options.video = QStringLiteral("testpattern");
        options.audio = QStringLiteral("testtone");
        options.encoder.size = size;
        options.encoder.frameRate = 30;
        options.encoder.gopFrames = kGopFrames;
        auto created = PublishedStream::create(m_clock, Track::CameraVideo, options);
        if (!created || !created.value()->open())
            return;
        m_pipeline = created.value().get();
        m_thread = std::make_unique<PipelineThread>(std::move(created.value()));
    }

    bool start()
    {
        if (!m_pipeline)
            return false;
        m_client.client().setCaptureClockEpoch(m_clock.wallClockEpochUs());
        bool done = false;
        int failed = 0;
        m_client.client().publish(m_pipeline, [&done] { done = true; }, [&failed](int code, const QString &) { failed = code; });
        if (!QTest::qWaitFor([&] { return done || failed; }, 10'000) || failed)
            return false;
        QObject::connect(m_pipeline, &PublishPipeline::packetReady, &m_receiver, [this](const MediaPacket &p) {
            if (p.isVideo())
                sent.add(p);
        });
        m_thread->start();
        return true;
    }
    void stop()
    {
        m_thread->stop(); // flushes the encoder: its last packets are sent too
        QCoreApplication::sendPostedEvents(); // ... and reach the client and the tap now
    }

    VideoLog sent;

private:
    SyncClient &m_client;
    MediaClock m_clock;
    PublishPipeline *m_pipeline = nullptr;
    std::unique_ptr<PipelineThread> m_thread;
    QObject m_receiver; // the pipeline thread's packets; destroyed first, with what is still queued
};

// A member who subscribes to another and decodes what arrives.
class Viewer {
public:
    Viewer() : media(sync.client(), RemoteMedia::Options{320, {}, true})
    {
        QObject::connect(&sync.client(), &RoomClient::memberPacketReceived, &m_receiver,
                         [this](const QString &userId, const MediaPacket &p) {
                             QCOMPARE(userId, QStringLiteral("alice")); // the only member anyone watches here
                             if (p.isVideo())
                                 video.add(p);
                             else
                                 ++audioPackets;
                         });
        QObject::connect(&media, &RemoteMedia::pictureDecoded, &m_receiver,
                         [this](const QString &, Track, qint64, const QImage &image) {
                             if (pictures == 0)
                                 framesBeforeFirstPicture = video.frames;
                             ++pictures;
                             lastPictureSize = image.size();
                         });
    }

    // Connects as `user` and joins the test room.
    bool enter(quint16 port, const QString &user) { return sync.connect(port, user).ok() && sync.joinRoom(kRoom).ok(); }

    Result<QList<RemoteTrack>> subscribe(const QString &userId, std::optional<Track> track = std::nullopt)
    {
        std::optional<Result<QList<RemoteTrack>>> result;
        // The decoder learns the parameters in the answer's callback, before the packets that
        // follow it on the connection are handed out.
        sync.client().subscribe(userId, track, [this, &result](const QList<RemoteTrack> &t) {
                                    media.addTracks(t);
                                    result = t;
                                },
                                [&result](int code, const QString &m) { result = Result<QList<RemoteTrack>>(Error{code, m}); });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 10'000))
            return makeError(ErrorCode::ResponseTimeout, QStringLiteral("subscribe"));
        return *result;
    }

    int unsubscribe(const QString &userId)
    {
        std::optional<int> code;
        sync.client().unsubscribe(userId, std::nullopt, [&code] { code = 0; }, [&code](int c, const QString &) { code = c; });
        return QTest::qWaitFor([&] { return code.has_value(); }, 10'000) ? *code : -1;
    }

    SyncClient sync;
    RemoteMedia media;
    VideoLog video; // alice's
    qint64 audioPackets = 0;
    qint64 pictures = 0;
    qint64 framesBeforeFirstPicture = -1;
    QSize lastPictureSize;

private:
    // Receives the decode thread's pictures. Declared last, so destroyed first: pictures still
    // queued then are discarded with it. (With the test object as receiver they were delivered
    // in the next test and wrote into this Viewer's stale stack memory, by then another object.)
    QObject m_receiver;
};

int errorCode(const Result<QList<RemoteTrack>> &r)
{
    return r ? 0 : r.error().code;
}
} // namespace

class TestLiveRooms : public QObject {
    Q_OBJECT
private slots:
    void membersDecodeEveryFrame();
    void picturesShowWithTheirSound();
    void lateJoinerPicturesWithinOneGop();
    void stalledSubscriberHurtsNobody();
    void onlyRoomMembersMaySubscribe_data();
    void onlyRoomMembersMaySubscribe();
    void unsubscribeStopsDelivery();
    void vanishingSubscribersDisturbNobody();
    void cliWatchWritesPlayableMp4();

private:
    static std::unique_ptr<QProcess> startWatch(quint16 port, const QStringList &extra);
};

std::unique_ptr<QProcess> TestLiveRooms::startWatch(quint16 port, const QStringList &extra)
{
    auto p = std::make_unique<QProcess>();
    p->start(QStringLiteral(ROOMREC_CLI_BINARY),
             QStringList{QStringLiteral("watch"), QStringLiteral("--server"), QStringLiteral("127.0.0.1:%1").arg(port),
                         QStringLiteral("--user"), QStringLiteral("watcher"), QStringLiteral("--relation-id"),
                         QString::number(kRoom.relationId), QStringLiteral("--room-id"), QString::number(kRoom.roomId),
                         QStringLiteral("--member"), QStringLiteral("alice")}
                 + extra);
    return p;
}

void TestLiveRooms::membersDecodeEveryFrame()
{
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    SyncClient alice;
    QVERIFY(alice.connect(server->port(), QStringLiteral("alice")).ok());
    QVERIFY(alice.createRoom(kRoom).ok());
    Viewer bob, carol;
    for (Viewer *v : {&bob, &carol}) {
        QVERIFY(v->enter(server->port(), v == &bob ? QStringLiteral("bob") : QStringLiteral("carol")));
        // Before alice publishes: the subscription waits for her tracks.
        auto tracks = v->subscribe(QStringLiteral("alice"));
        QVERIFY2(tracks.ok(), qPrintable(tracks ? QString() : tracks.error().toString()));
        QVERIFY(tracks->isEmpty());
    }
    TappedPublisher publisher(alice, QSize(320, 180));
    QVERIFY(publisher.start());
    // The members event says who publishes what.
    QTRY_COMPARE(bob.sync.client().memberTracks().value(QStringLiteral("alice")),
                 (QStringList{QStringLiteral("camera"), QStringLiteral("audio")}));
    QTRY_VERIFY_WITH_TIMEOUT(publisher.sent.frames >= 3 * kGopFrames, 30'000);
    publisher.stop();
    const qint64 sent = publisher.sent.frames;
    for (Viewer *v : {&bob, &carol}) {
        QTRY_COMPARE_WITH_TIMEOUT(v->video.frames, sent, 20'000);
        QVERIFY(v->video.firstWasKey);
        QCOMPARE(v->video.sum(), publisher.sent.sum()); // the bytes as published
        QTRY_COMPARE_WITH_TIMEOUT(v->pictures, sent, 20'000);                     // and every one decoded
        QCOMPARE(v->lastPictureSize, QSize(320, 180));
        QVERIFY(v->audioPackets > 0);
        QTRY_VERIFY(v->media.audioFramesDecoded() > 0); // through the jitter buffer into the mixer
    }
    QCOMPARE(server->relay().droppedTotal(), 0);
}

// A/V sync at the subscriber: bob's RemoteMedia says when each of alice's pts reached the
// speakers (audio, through the jitter buffer, the mixer and the test sink) and the screen
// (pictures, through PictureScheduler), on its one receiver clock. The sound of a picture's
// instant is interpolated from the audio block holding it; the picture must come within
// 40 ms of it, and never early.
void TestLiveRooms::picturesShowWithTheirSound()
{
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    SyncClient alice;
    QVERIFY(alice.connect(server->port(), QStringLiteral("alice")).ok());
    QVERIFY(alice.createRoom(kRoom).ok());
    Viewer bob;
    QVERIFY(bob.enter(server->port(), QStringLiteral("bob")));
    QVERIFY(bob.subscribe(QStringLiteral("alice")).ok());
    struct Presented {
        qint64 ptsUs;
        qint64 atUs;
    };
    QList<Presented> heard, shown;
    connect(&bob.media, &RemoteMedia::presented, this, [&](const QString &, Track track, qint64 ptsUs, qint64, qint64 atUs) {
        (track == Track::CameraAudio ? heard : shown) << Presented{ptsUs, atUs};
    });
    TappedPublisher publisher(alice, QSize(320, 180));
    QVERIFY(publisher.start());
    QTRY_VERIFY_WITH_TIMEOUT(shown.size() >= 4 * kGopFrames && heard.size() > 2, 60'000);
    publisher.stop();

    // The audio clock is learnt from the first audio packet, which the AAC encoder's priming
    // sends after the first pictures: those (before the sound starts, plus a warm-up) are
    // shown as decoded, with nothing to be in sync with.
    const qint64 fromPts = heard.first().ptsUs + 200'000;
    const qint64 blockUs = 1024 * 1'000'000LL / 48'000;
    int compared = 0, early = 0, late = 0;
    std::vector<qint64> offsets;
    for (const Presented &picture : std::as_const(shown)) {
        if (picture.ptsUs < fromPts)
            continue;
        // The audio block holding this instant (blocks are heard in pts order).
        const auto block = std::find_if(heard.crbegin(), heard.crend(), [&](const Presented &a) { return a.ptsUs <= picture.ptsUs; });
        if (block == heard.crend() || picture.ptsUs >= block->ptsUs + blockUs)
            continue; // its sound not heard yet (the end of the run)
        const qint64 offset = picture.atUs - (block->atUs + picture.ptsUs - block->ptsUs);
        offsets.push_back(offset);
        ++compared;
        early += offset < -40'000 ? 1 : 0;
        late += offset > 40'000 ? 1 : 0;
    }
    std::sort(offsets.begin(), offsets.end());
    QVERIFY2(compared >= 2 * kGopFrames, qPrintable(QString::number(compared)));
    qInfo("%d pictures against their sound: offset min %lld / median %lld / max %lld ms (picture after sound > 0); "
          "%d early, %d late, %lld counted late",
          compared, static_cast<long long>(offsets.front() / 1000), static_cast<long long>(offsets[offsets.size() / 2] / 1000),
          static_cast<long long>(offsets.back() / 1000), early, late, static_cast<long long>(bob.media.latePictures()));
    QCOMPARE(early, 0); // held for their sound: never shown ahead of it
    // Late only when decoding fell behind the sound (a busy machine): rare.
    QVERIFY2(late * 20 <= compared, qPrintable(QStringLiteral("%1 of %2 late").arg(late).arg(compared)));
    QCOMPARE(bob.media.picturesDropped(), 0);
}

void TestLiveRooms::lateJoinerPicturesWithinOneGop()
{
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    SyncClient alice;
    QVERIFY(alice.enterAndPublish(server->port(), QStringLiteral("alice"), kRoom, QSize(320, 180), 30, kGopFrames).ok());
    Viewer early;
    QVERIFY(early.enter(server->port(), QStringLiteral("early")));
    QVERIFY(early.subscribe(QStringLiteral("alice"), Track::CameraVideo).ok());
    // Join in the middle of a GOP: some frames after a key frame.
    QTRY_VERIFY_WITH_TIMEOUT(early.video.frames >= kGopFrames + kGopFrames / 2, 30'000);

    Viewer late;
    QVERIFY(late.enter(server->port(), QStringLiteral("late")));
    QElapsedTimer sinceSubscribe;
    sinceSubscribe.start();
    auto tracks = late.subscribe(QStringLiteral("alice"), Track::CameraVideo);
    QVERIFY(tracks.ok());
    QCOMPARE(tracks->size(), 1);
    QVERIFY(tracks->first().video.has_value());
    QVERIFY(tracks->first().clockEpochUs.has_value()); // SyncClient publishes with its capture clock
    // The cached GOP comes first: the very first packet is a key frame and decodes at once.
    QTRY_VERIFY_WITH_TIMEOUT(late.pictures > 0, 10'000);
    QVERIFY(late.video.firstWasKey);
    QVERIFY(late.framesBeforeFirstPicture >= 1);
    QVERIFY(late.framesBeforeFirstPicture <= kGopFrames);
    qInfo("first picture %lld ms after subscribing (target 1000)", static_cast<long long>(sinceSubscribe.elapsed()));
    // ... and from there on, the same frames as the early member.
    QTRY_VERIFY_WITH_TIMEOUT(late.video.frames >= 2 * kGopFrames, 30'000);
}

void TestLiveRooms::stalledSubscriberHurtsNobody()
{
    QTemporaryDir dir;
    ServerConfig config;
    config.subscriberBacklogBytes = 128 * 1024; // a stalled reader is noticed in seconds, not minutes
    config.deadPeerMs = 120'000;                // and it is not dropped for being silent while stopped
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    SyncClient alice;
    QVERIFY(alice.connect(server->port(), QStringLiteral("alice")).ok());
    QVERIFY(alice.createRoom(kRoom).ok());
    // bob subscribes before alice publishes: every frame she sends is compared.
    Viewer bob;
    QVERIFY(bob.enter(server->port(), QStringLiteral("bob")));
    QVERIFY(bob.subscribe(QStringLiteral("alice"), Track::CameraVideo).ok());
    TappedPublisher publisher(alice, QSize(640, 360));
    QVERIFY(publisher.start());

    // The watcher stops itself after enough frames once it runs again.
    auto watch = startWatch(server->port(), {QStringLiteral("--seconds"), QStringLiteral("240"), QStringLiteral("--frames"),
                                             QStringLiteral("300")});
    QByteArray watchErr;
    QTRY_VERIFY2_WITH_TIMEOUT((watchErr += watch->readAllStandardError()).contains("watching alice"), watchErr.constData(), 30'000);

    QVERIFY(alice.startRecording(kRoom, SyncClient::param(QStringLiteral("live-stall"))).ok());
    ::kill(pid_t(watch->processId()), SIGSTOP);
    // The server notices the stalled watcher and drops its video, not anyone else's.
    QTRY_VERIFY_WITH_TIMEOUT(server->relay().droppedTotal() > 0, 90'000);
    QVERIFY(alice.recordFrames(2 * kGopFrames));
    ::kill(pid_t(watch->processId()), SIGCONT);
    auto files = alice.stopRecording(kRoom);
    QVERIFY(files.ok());
    const qint64 recordedSent = alice.client().recordedFramesSent();

    // The recording has every frame alice sent for it.
    server->waitForFinalizedFiles();
    const Mp4Report report = Mp4Inspector::inspect(catalogOf(*server).file(files->first().toULongLong())->storagePath);
    QVERIFY2(report.opened, qPrintable(report.error));
    QCOMPARE(report.videoFramesDecoded, int(recordedSent));
    QCOMPARE(report.decodeErrors, 0);

    // The watcher resumes, is told what it lost, and finishes.
    QTRY_VERIFY_WITH_TIMEOUT(watch->state() == QProcess::NotRunning, 120'000);
    QCOMPARE(watch->exitCode(), 0);
    const QJsonObject printed = QJsonDocument::fromJson(watch->readAllStandardOutput()).object();
    QVERIFY2(printed.value(QStringLiteral("droppedVideo")).toInteger() > 0, QJsonDocument(printed).toJson().constData());

    // bob got every frame alice sent since he subscribed, byte for byte.
    publisher.stop();
    QTRY_COMPARE_WITH_TIMEOUT(bob.video.frames, publisher.sent.frames, 20'000);
    QCOMPARE(bob.video.sum(), publisher.sent.sum());
    QTRY_COMPARE_WITH_TIMEOUT(bob.pictures, bob.video.frames, 20'000);
}

void TestLiveRooms::onlyRoomMembersMaySubscribe_data()
{
    QTest::addColumn<QString>("situation");
    QTest::addColumn<int>("expected");
    QTest::newRow("not in a room") << QStringLiteral("none") << int(ErrorCode::NotInRoom);
    QTest::newRow("member of another room") << QStringLiteral("other") << int(ErrorCode::MemberNotInRoom);
    QTest::newRow("unknown user in my room") << QStringLiteral("unknown") << int(ErrorCode::MemberNotInRoom);
    QTest::newRow("bad track name") << QStringLiteral("badtrack") << int(ErrorCode::WrongFieldType);
    QTest::newRow("unsubscribe without subscription") << QStringLiteral("unsub") << int(ErrorCode::NotSubscribed);
}

void TestLiveRooms::onlyRoomMembersMaySubscribe()
{
    QFETCH(QString, situation);
    QFETCH(int, expected);
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    SyncClient alice;
    QVERIFY(alice.enterAndPublish(server->port(), QStringLiteral("alice"), kRoom, QSize(160, 90), 30, kGopFrames).ok());
    Viewer bob; // a member, to see that alice's media flows
    QVERIFY(bob.enter(server->port(), QStringLiteral("bob")));
    QVERIFY(bob.subscribe(QStringLiteral("alice")).ok());
    Viewer eve;
    QVERIFY(eve.sync.connect(server->port(), QStringLiteral("eve")).ok());
    int code = 0;
    if (situation == QLatin1String("none")) {
        code = errorCode(eve.subscribe(QStringLiteral("alice")));
    } else if (situation == QLatin1String("other")) {
        QVERIFY(eve.sync.createRoom(RoomInfo{kRoom.relationId, kRoom.roomId + 1}).ok());
        code = errorCode(eve.subscribe(QStringLiteral("alice")));
    } else {
        QVERIFY(eve.sync.joinRoom(kRoom).ok());
        if (situation == QLatin1String("unknown")) {
            code = errorCode(eve.subscribe(QStringLiteral("mallory")));
        } else if (situation == QLatin1String("badtrack")) {
            // RoomClient cannot even say it: by hand.
            RawPeer raw;
            QVERIFY(raw.connect(server->port()));
            raw.send(ControlMessage(QStringLiteral("hello"), 1, {{QStringLiteral("version"), 1}}));
            raw.send(ControlMessage(QStringLiteral("signIn"), 2, {{QStringLiteral("userId"), QStringLiteral("raw")}}));
            raw.send(ControlMessage(QStringLiteral("joinRoom"), 3, {{QStringLiteral("relationId"), qint64(kRoom.relationId)}, {QStringLiteral("roomId"), qint64(kRoom.roomId)}}));
            raw.send(ControlMessage(QStringLiteral("subscribe"), 4, {{QStringLiteral("userId"), QStringLiteral("alice")}, {QStringLiteral("track"), QStringLiteral("screen")}}));
            for (int i = 0; i < 4; ++i) {
                auto result = raw.receiveType(QStringLiteral("result"), 10'000);
                QVERIFY(result);
                if (result->id() == 4)
                    code = result->isOk() ? 0 : result->error().code;
                else
                    QVERIFY(result->isOk());
            }
        } else {
            code = eve.unsubscribe(QStringLiteral("alice"));
        }
    }
    QCOMPARE(code, expected);
    // Whatever was refused, nothing of alice's reaches eve while a member gets a GOP of it.
    const qint64 bobFrames = bob.video.frames;
    QTRY_VERIFY_WITH_TIMEOUT(bob.video.frames >= bobFrames + kGopFrames, 20'000);
    QCOMPARE(eve.video.frames, 0);
    QCOMPARE(eve.audioPackets, 0);
}

void TestLiveRooms::unsubscribeStopsDelivery()
{
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    SyncClient alice;
    QVERIFY(alice.enterAndPublish(server->port(), QStringLiteral("alice"), kRoom, QSize(160, 90), 30, kGopFrames).ok());
    Viewer bob, carol;
    for (Viewer *v : {&bob, &carol}) {
        QVERIFY(v->enter(server->port(), v == &bob ? QStringLiteral("bob") : QStringLiteral("carol")));
        QVERIFY(v->subscribe(QStringLiteral("alice")).ok());
    }
    QTRY_VERIFY_WITH_TIMEOUT(bob.video.frames >= 10, 20'000);
    QCOMPARE(bob.unsubscribe(QStringLiteral("alice")), 0);
    const qint64 bobFrames = bob.video.frames;
    const qint64 bobAudio = bob.audioPackets;
    // carol, still subscribed, sees a full GOP more; bob nothing more.
    const qint64 carolFrames = carol.video.frames;
    QTRY_VERIFY_WITH_TIMEOUT(carol.video.frames >= carolFrames + kGopFrames, 20'000);
    QCOMPARE(bob.video.frames, bobFrames);
    QCOMPARE(bob.audioPackets, bobAudio);
    QCOMPARE(bob.unsubscribe(QStringLiteral("alice")), int(ErrorCode::NotSubscribed));
}

// Subscribers that reset their connections while alice streams: the member subscribed after
// them still gets every frame, byte for byte, and the server is left with alice and carol.
// Whether the server first sees a reset on a read or on a forwarded packet's write depends on
// timing here; tst_mediarelay makes the write fail inside the relay's loop every time.
void TestLiveRooms::vanishingSubscribersDisturbNobody()
{
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    SyncClient alice;
    QVERIFY(alice.connect(server->port(), QStringLiteral("alice")).ok());
    QVERIFY(alice.createRoom(kRoom).ok());
    constexpr int kVanishing = 8;
    std::vector<std::unique_ptr<RawPeer>> vanishing;
    for (int i = 0; i < kVanishing; ++i) {
        auto raw = std::make_unique<RawPeer>();
        QVERIFY(raw->connect(server->port()));
        raw->send(ControlMessage(QStringLiteral("hello"), 1, {{QStringLiteral("version"), 1}}));
        raw->send(ControlMessage(QStringLiteral("signIn"), 2, {{QStringLiteral("userId"), QStringLiteral("gone%1").arg(i)}}));
        raw->send(ControlMessage(QStringLiteral("joinRoom"), 3, {{QStringLiteral("relationId"), qint64(kRoom.relationId)}, {QStringLiteral("roomId"), qint64(kRoom.roomId)}}));
        raw->send(ControlMessage(QStringLiteral("subscribe"), 4, {{QStringLiteral("userId"), QStringLiteral("alice")}}));
        for (int id = 1; id <= 4; ++id) {
            auto result = raw->receiveType(QStringLiteral("result"), 10'000);
            QVERIFY(result);
            QVERIFY2(result->isOk(), qPrintable(QStringLiteral("request %1 of gone%2").arg(result->id()).arg(i)));
        }
        vanishing.push_back(std::move(raw));
    }
    Viewer carol; // subscribed after them: last in the relay's list
    QVERIFY(carol.enter(server->port(), QStringLiteral("carol")));
    QVERIFY(carol.subscribe(QStringLiteral("alice")).ok());
    TappedPublisher publisher(alice, QSize(160, 90));
    QVERIFY(publisher.start());
    for (auto &raw : vanishing) {
        const qint64 seen = carol.video.frames;
        QTRY_VERIFY_WITH_TIMEOUT(carol.video.frames >= seen + 3, 20'000);
        // A reset, not a goodbye: linger 0 makes close() send RST, so the server's next
        // write to this socket fails.
        const linger reset{1, 0};
        ::setsockopt(int(raw->socket().socketDescriptor()), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        raw->socket().abort();
    }
    QTRY_COMPARE_WITH_TIMEOUT(server->sessionCount(), 2, 20'000);
    const qint64 seen = carol.video.frames;
    QTRY_VERIFY_WITH_TIMEOUT(carol.video.frames >= seen + kGopFrames, 20'000);
    publisher.stop();
    QTRY_COMPARE_WITH_TIMEOUT(carol.video.frames, publisher.sent.frames, 20'000);
    QCOMPARE(carol.video.sum(), publisher.sent.sum());
}

void TestLiveRooms::cliWatchWritesPlayableMp4()
{
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    SyncClient alice;
    QVERIFY(alice.enterAndPublish(server->port(), QStringLiteral("alice"), kRoom, QSize(320, 180), 30, kGopFrames).ok());
    const QString out = dir.filePath(QStringLiteral("watched.mp4"));
    auto watch = startWatch(server->port(), {QStringLiteral("--seconds"), QStringLiteral("3"), QStringLiteral("--out"), out});
    QTRY_VERIFY_WITH_TIMEOUT(watch->state() == QProcess::NotRunning, 60'000);
    const QByteArray err = watch->readAllStandardError();
    QVERIFY2(watch->exitCode() == 0, err.constData());
    const QJsonObject printed = QJsonDocument::fromJson(watch->readAllStandardOutput()).object();
    const qint64 frames = printed.value(QStringLiteral("videoFrames")).toInteger();
    QVERIFY2(frames >= kGopFrames, QJsonDocument(printed).toJson().constData());
    QCOMPARE(printed.value(QStringLiteral("gaps")).toInteger(), 0);
    QCOMPARE(printed.value(QStringLiteral("droppedVideo")).toInteger(), 0);
    QCOMPARE(printed.value(QStringLiteral("framesWritten")).toInteger(), frames);
    const QJsonObject latency = printed.value(QStringLiteral("latency")).toObject();
    QVERIFY(latency.value(QStringLiteral("samples")).toInteger() > 0);
    QVERIFY(latency.value(QStringLiteral("p50Ms")).toDouble() >= 0);
    qInfo("watch: %s", QJsonDocument(printed).toJson(QJsonDocument::Compact).constData());

    const Mp4Report report = Mp4Inspector::inspect(out);
    QVERIFY2(report.opened, qPrintable(report.error));
    QCOMPARE(report.videoFramesDecoded, int(frames));
    QCOMPARE(report.decodeErrors, 0);
    QVERIFY(report.audioFramesDecoded > 0);
    const QString ffprobe = QStandardPaths::findExecutable(QStringLiteral("ffprobe"));
    if (ffprobe.isEmpty())
        QSKIP("ffprobe is not installed (scripts/deps.sh installs it)");
    QProcess probe;
    probe.start(ffprobe, {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-show_entries"),
                          QStringLiteral("stream=codec_name"), QStringLiteral("-of"), QStringLiteral("csv=p=0"), out});
    QTRY_VERIFY_WITH_TIMEOUT(probe.state() == QProcess::NotRunning, 30'000);
    QCOMPARE(probe.readAllStandardError(), QByteArray());
    QCOMPARE(QString::fromUtf8(probe.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts),
             (QStringList{QStringLiteral("h264"), QStringLiteral("aac")}));
}

QTEST_MAIN(TestLiveRooms)
#include "tst_live_rooms.moc"
