// The server's side of reconnecting (docs/protocol.md, "Reconnecting"), spoken by hand: a
// publish with "resume" continues the user's recording in the same file only for the same
// user, room, track and stream parameters, says up to where it has the media, and drops
// what the publisher sends again from before that point.
#include "frameprobe.h"
#include "rawpeer.h"
#include "syncclient.h"
#include "catalogprobe.h"
#include "testserver.h"

#include "protocol/frame.h"
#include "protocol/mediapacket.h"
#include "protocol/protocollimits.h"

#include <QCborArray>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

namespace {
constexpr qint64 kFrameUs = 33'333;

// Frame n's time on the exact 30 fps grid (to the microsecond), as a real publisher stamps.
qint64 frameTime(int n)
{
    return n * 1'000'000LL / 30;
}

VideoParams params(int width)
{
    VideoParams video;
    video.width = width;
    video.height = 180;
    // avcC: one (made-up) SPS and one PPS; the recorder muxes, it never decodes.
    video.extradata = QByteArray("\x01\x42\xc0\x1e\xff\xe1\x00\x04\x67\x42\xc0\x1e\x01\x00\x02\x68\xce", 17);
    return video;
}

QCborMap roomFields(quint32 roomId)
{
    return {{QStringLiteral("relationId"), 1}, {QStringLiteral("roomId"), qint64(roomId)}};
}

// Sends the requests in order and returns the results (ids 1..n), each ok or not.
QList<ControlMessage> ask(RawPeer &peer, const QList<QPair<QString, QCborMap>> &requests)
{
    static quint64 nextId = 1;
    for (const auto &[type, fields] : requests)
        peer.send(ControlMessage(type, nextId++, fields));
    QList<ControlMessage> results;
    for (qsizetype i = 0; i < requests.size(); ++i) {
        auto result = peer.receiveType(QStringLiteral("result"));
        if (!result)
            break;
        results << *result;
    }
    return results;
}

bool enter(RawPeer &peer, quint16 port, const QString &user, quint32 roomId)
{
    if (!peer.connect(port))
        return false;
    const auto results = ask(peer, {{QStringLiteral("hello"), {{QStringLiteral("version"), protocol::kVersion}}},
                                    {QStringLiteral("signIn"), {{QStringLiteral("userId"), user}}}});
    if (results.size() != 2 || !results[0].isOk() || !results[1].isOk())
        return false;
    // Create the room, or join it when it is there already.
    auto created = ask(peer, {{QStringLiteral("createRoom"), roomFields(roomId)}});
    if (created.size() == 1 && created[0].isOk())
        return true;
    auto joined = ask(peer, {{QStringLiteral("joinRoom"), roomFields(roomId)}});
    return joined.size() == 1 && joined[0].isOk();
}

void sendFrames(RawPeer &peer, int from, int to)
{
    for (int n = from; n < to; ++n) {
        MediaPacket p;
        p.track = Track::CameraVideo;
        p.key = n % 30 == 0;
        p.ptsUs = p.dtsUs = frameTime(n);
        p.durationUs = kFrameUs;
        p.data = p.key ? QByteArray("\x00\x00\x00\x01\x65\x88", 6) : QByteArray("\x00\x00\x00\x01\x41\x9a", 6);
        peer.sendRaw(Frame{FrameKind::Media, p.encode()}.encode());
    }
}

QCborMap publishFields(int width, bool resume)
{
    QCborMap fields{{QStringLiteral("track"), 0}, {QStringLiteral("video"), params(width).toCbor()}};
    if (resume)
        fields.insert(QStringLiteral("resume"), true);
    return fields;
}
} // namespace

class TestResume : public QObject {
    Q_OBJECT
private slots:
    void onlyTheSameStreamResumes_data();
    void onlyTheSameStreamResumes();
};

void TestResume::onlyTheSameStreamResumes_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<quint32>("roomId");
    QTest::addColumn<int>("width");
    QTest::addColumn<bool>("recording");
    QTest::addColumn<bool>("resumed");
    QTest::newRow("same user, room, stream") << QStringLiteral("alice") << 1u << 320 << true << true;
    QTest::newRow("another user") << QStringLiteral("bob") << 1u << 320 << true << false;
    QTest::newRow("another room") << QStringLiteral("alice") << 2u << 320 << true << false;
    QTest::newRow("another encoder (size)") << QStringLiteral("alice") << 1u << 640 << true << false;
    QTest::newRow("nothing recorded") << QStringLiteral("alice") << 1u << 320 << false << false;
}

void TestResume::onlyTheSameStreamResumes()
{
    QFETCH(QString, user);
    QFETCH(quint32, roomId);
    QFETCH(int, width);
    QFETCH(bool, recording);
    QFETCH(bool, resumed);
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);

    // Alice publishes and records 45 frames, then a ping: the server has them all by its answer.
    RawPeer first;
    QVERIFY(enter(first, server->port(), QStringLiteral("alice"), 1));
    QList<QPair<QString, QCborMap>> start{{QStringLiteral("publish"), publishFields(320, false)}};
    if (recording) {
        QCborMap fields = roomFields(1);
        fields.insert(QStringLiteral("param"), SyncClient::param(QStringLiteral("resume")).toCbor());
        start << qMakePair(QStringLiteral("startRecording"), fields);
    }
    for (const ControlMessage &r : ask(first, start))
        QVERIFY2(r.isOk(), qPrintable(r.error().toString()));
    sendFrames(first, 0, 45);
    QCOMPARE(ask(first, {{QStringLiteral("ping"), {}}}).size(), 1);

    // A second connection publishes the camera with "resume".
    RawPeer second;
    QVERIFY(enter(second, server->port(), user, roomId));
    const auto answer = ask(second, {{QStringLiteral("publish"), publishFields(width, true)}});
    QCOMPARE(answer.size(), 1);
    QVERIFY2(answer[0].isOk(), qPrintable(answer[0].error().toString()));
    const QCborMap value = answer[0].value().toMap();
    QCOMPARE(value.value(QStringLiteral("resumed")).toBool(), resumed);
    if (!resumed) {
        QVERIFY(!value.contains(QStringLiteral("videoDtsUs")));
        return;
    }
    QCOMPARE(value.value(QStringLiteral("videoDtsUs")).toInteger(), frameTime(44));
    QVERIFY(!value.contains(QStringLiteral("audioDtsUs"))); // no audio was published

    // The new connection is the one recorded now: it resends 30..59 (30..44 again), the
    // recording takes 45..59 only; the old connection's late frames are not recorded.
    sendFrames(second, 30, 60);
    sendFrames(first, 45, 50);
    const auto stopped = ask(second, {{QStringLiteral("stopRecording"), roomFields(1)}});
    QCOMPARE(stopped.size(), 1);
    QVERIFY2(stopped[0].isOk(), qPrintable(stopped[0].error().toString()));
    const QCborArray ids = stopped[0].value().toMap().value(QStringLiteral("fileIds")).toArray();
    QCOMPARE(ids.size(), 1); // the same file
    const auto file = catalogOf(*server).file(ids.first().toString().toULongLong());
    QVERIFY(file.ok());
    // Frames 0..59, each once, on their slots: no hole, no repeat (ffprobe reads the packets).
    QVERIFY2(qAbs(file->durationUs - frameTime(60)) < kFrameUs / 2, qPrintable(QString::number(file->durationUs)));
    if (!FrameProbe::available())
        QSKIP("ffprobe is not installed (scripts/deps.sh installs ffmpeg)");
    const FrameTimes times = FrameProbe::videoFrames(file->storagePath);
    QVERIFY2(times.ok, qPrintable(times.error));
    QCOMPARE(times.pts.size(), 60);
    QVERIFY2(times.offGrid(30).isEmpty(), qPrintable(times.offGrid(30).mid(0, 5).join(QStringLiteral("; "))));
}

QTEST_GUILESS_MAIN(TestResume)
#include "tst_resume.moc"
