// PacketBacklog: the client's bounded store of recent packets for resending after a lost
// connection. Which packets a resend takes, and what a byte limit or a window costs.
#include "client/packetbacklog.h"

#include <QtTest>

using namespace roomrec;

namespace {
constexpr qint64 kFrameUs = 33'333;

// Video of the camera at 30 fps with a key frame every `gop`, its audio every 21.3 ms.
QList<MediaPacket> capture(int frames, int gop, int bytes = 1000)
{
    QList<MediaPacket> out;
    qint64 audioUs = 0;
    for (int n = 0; n < frames; ++n) {
        const qint64 t = n * kFrameUs;
        while (audioUs <= t) {
            out << MediaPacket{Track::CameraAudio, true, audioUs, audioUs, 21'333, QByteArray(100, 'a')};
            audioUs += 21'333;
        }
        out << MediaPacket{Track::CameraVideo, n % gop == 0, t, t, int(kFrameUs), QByteArray(bytes, 'v')};
    }
    return out;
}

int count(const QList<MediaPacket> &packets, Track track)
{
    return int(std::count_if(packets.begin(), packets.end(), [track](const MediaPacket &p) { return p.track == track; }));
}
} // namespace

class TestPacketBacklog : public QObject {
    Q_OBJECT
private slots:
    void resendTakesWhatCameAfter_data();
    void resendTakesWhatCameAfter();
    void aByteLimitDropsTheOldestAndRestartsVideoAtAKeyFrame();
    void aWindowForgetsWithoutLosing();
    void inCaptureOrderAcrossTracks();
};

void TestPacketBacklog::resendTakesWhatCameAfter_data()
{
    QTest::addColumn<qint64>("videoAfter");
    QTest::addColumn<qint64>("audioAfter");
    QTest::addColumn<int>("videoExpected");
    QTest::addColumn<bool>("audioWanted");
    // 90 frames, the last at 89 * kFrameUs.
    QTest::newRow("nothing yet: all of it") << qint64(-1) << qint64(-1) << 90 << true;
    QTest::newRow("up to frame 59: 30 after") << 59 * kFrameUs << 59 * kFrameUs << 30 << true;
    QTest::newRow("everything: nothing") << 89 * kFrameUs << qint64(4'000'000) << 0 << true;
    QTest::newRow("non-key point, continuous: no key frame wait") << 44 * kFrameUs << 44 * kFrameUs << 45 << true;
    QTest::newRow("video only (sub-stream style)") << 79 * kFrameUs << qint64(-1) << 10 << false;
}

void TestPacketBacklog::resendTakesWhatCameAfter()
{
    QFETCH(qint64, videoAfter);
    QFETCH(qint64, audioAfter);
    QFETCH(int, videoExpected);
    QFETCH(bool, audioWanted);
    PacketBacklog backlog;
    const QList<MediaPacket> all = capture(90, 30);
    for (const MediaPacket &p : all)
        backlog.append(p);
    PacketBacklog::ResendFrom from;
    from[int(Track::CameraVideo)] = videoAfter;
    if (audioWanted)
        from[int(Track::CameraAudio)] = audioAfter;
    const QList<MediaPacket> resent = backlog.since(from);
    QCOMPARE(count(resent, Track::CameraVideo), videoExpected);
    int audioExpected = 0;
    for (const MediaPacket &p : all) {
        if (audioWanted && p.track == Track::CameraAudio && p.dtsUs > audioAfter)
            ++audioExpected;
    }
    QCOMPARE(count(resent, Track::CameraAudio), audioExpected);
    for (const MediaPacket &p : resent)
        QVERIFY(p.dtsUs > (p.isVideo() ? videoAfter : audioAfter)); // nothing the server has
    QCOMPARE(backlog.lostPackets(), 0);
}

void TestPacketBacklog::aByteLimitDropsTheOldestAndRestartsVideoAtAKeyFrame()
{
    // Room for 50 video frames of 1000 bytes (and their audio): 90 captured, the oldest go.
    PacketBacklog backlog(50 * 1000 + 60 * 100);
    for (const MediaPacket &p : capture(90, 30))
        backlog.append(p);
    QVERIFY(backlog.bytes() <= backlog.maxBytes());
    QVERIFY(backlog.lostPackets() > 0);
    // The server had up to frame 10; frames 11.. were partly lost: the resend starts at the
    // first key frame still here (60), never on a frame whose reference is gone.
    QVERIFY(!backlog.isContinuousAfter(Track::CameraVideo, 10 * kFrameUs));
    PacketBacklog::ResendFrom from;
    from[int(Track::CameraVideo)] = 10 * kFrameUs;
    const QList<MediaPacket> resent = backlog.since(from);
    QVERIFY(!resent.isEmpty());
    QVERIFY(resent.first().key);
    QCOMPARE(resent.first().dtsUs, 60 * kFrameUs);
    QCOMPARE(count(resent, Track::CameraVideo), 30);
    // A point after the loss is continuous: no wait for a key frame.
    QVERIFY(backlog.isContinuousAfter(Track::CameraVideo, 70 * kFrameUs));
    from[int(Track::CameraVideo)] = 70 * kFrameUs;
    QCOMPARE(count(backlog.since(from), Track::CameraVideo), 19);
}

void TestPacketBacklog::aWindowForgetsWithoutLosing()
{
    PacketBacklog backlog;
    for (const MediaPacket &p : capture(90, 30))
        backlog.append(p);
    backlog.dropBefore(45 * kFrameUs);
    QCOMPARE(backlog.lostPackets(), 0);
    QVERIFY(backlog.oldestDtsUs() >= 45 * kFrameUs);
    // Asked for what is gone all the same, a resend starts at a key frame.
    PacketBacklog::ResendFrom from;
    from[int(Track::CameraVideo)] = 20 * kFrameUs;
    const QList<MediaPacket> resent = backlog.since(from);
    QCOMPARE(resent.first().dtsUs, 60 * kFrameUs);
    QVERIFY(resent.first().key);
    backlog.clear();
    QCOMPARE(backlog.size(), 0);
    QCOMPARE(backlog.bytes(), 0);
    QVERIFY(backlog.isContinuousAfter(Track::CameraVideo, -1));
}

void TestPacketBacklog::inCaptureOrderAcrossTracks()
{
    PacketBacklog backlog;
    const QList<MediaPacket> all = capture(30, 30);
    for (const MediaPacket &p : all)
        backlog.append(p);
    PacketBacklog::ResendFrom from;
    from[int(Track::CameraVideo)] = -1;
    from[int(Track::CameraAudio)] = -1;
    const QList<MediaPacket> resent = backlog.since(from);
    QCOMPARE(resent.size(), all.size());
    for (int i = 0; i < all.size(); ++i) {
        QCOMPARE(resent[i].track, all[i].track);
        QCOMPARE(resent[i].dtsUs, all[i].dtsUs);
        QVERIFY(resent[i].data.constData() == all[i].data.constData()); // shared, not copied
    }
    // A track not asked for is not resent.
    from[int(Track::CameraAudio)].reset();
    QCOMPARE(count(backlog.since(from), Track::CameraAudio), 0);
}

QTEST_GUILESS_MAIN(TestPacketBacklog)
#include "tst_packetbacklog.moc"
