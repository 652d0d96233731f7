// PictureScheduler: members' decoded pictures wait for the sound of the same instant.
// Which pictures leave when, in what order, and what a full queue or a leaving member costs.
#include "client/picturescheduler.h"

#include <QtTest>

using namespace roomrec;

namespace {
constexpr qint64 kFrameUs = 33'333;

MemberPicture picture(const QString &user, qint64 ptsUs, Track track = Track::CameraVideo)
{
    return MemberPicture{user, track, ptsUs, QImage(4, 4, QImage::Format_RGB32)};
}

QList<qint64> ptsOf(const std::vector<MemberPicture> &pictures)
{
    QList<qint64> out;
    for (const MemberPicture &p : pictures)
        out << p.ptsUs;
    return out;
}
} // namespace

class TestPictureScheduler : public QObject {
    Q_OBJECT
private slots:
    void picturesWaitForTheirSound_data();
    void picturesWaitForTheirSound();
    void aFullQueueDropsTheOldest();
    void bothVideoTracksLeaveInPtsOrder();
    void aLeavingMemberTakesItsPictures();
    void losingTheAudioClockReleasesWhatIsHeld();
};

// One member, a picture every 33 ms from pts 1 s, pushed at `arrival + n * frame`; the clock
// at each push is the member's audio clock (or none). Each row: which pts a due() at `now`
// releases, after all were pushed.
void TestPictureScheduler::picturesWaitForTheirSound_data()
{
    QTest::addColumn<bool>("audio");
    QTest::addColumn<qint64>("offsetUs");  // receiver time = pts + offset
    QTest::addColumn<qint64>("arrivalUs"); // receiver time of the first picture
    QTest::addColumn<int>("pictures");
    QTest::addColumn<qint64>("nowUs");
    QTest::addColumn<QList<qint64>>("releasedAtPush"); // by push() itself
    QTest::addColumn<QList<qint64>>("releasedByDue");
    QTest::addColumn<qint64>("late");

    const qint64 p0 = 1'000'000;
    // Audio played 150 ms after capture; pictures decoded 40 ms after capture: they wait.
    QTest::newRow("audio: held until heard")
        << true << qint64(150'000) << p0 + 40'000 << 3 << p0 + 150'000 + kFrameUs
        << QList<qint64>{} << QList<qint64>{p0, p0 + kFrameUs} << qint64(0);
    QTest::newRow("audio: nothing due yet")
        << true << qint64(150'000) << p0 + 40'000 << 3 << p0 + 149'999
        << QList<qint64>{} << QList<qint64>{} << qint64(0);
    // No audio track (or none arrived yet): shown the moment it is decoded.
    QTest::newRow("no audio: at once")
        << false << qint64(0) << p0 + 40'000 << 3 << p0 + 40'000
        << QList<qint64>{p0, p0 + kFrameUs, p0 + 2 * kFrameUs} << QList<qint64>{} << qint64(0);
    // Decoded after their sound was heard: out at once, in order, counted.
    QTest::newRow("audio: late pictures")
        << true << qint64(100'000) << p0 + 200'000 << 3 << p0 + 200'000
        << QList<qint64>{p0, p0 + kFrameUs, p0 + 2 * kFrameUs} << QList<qint64>{} << qint64(3);
}

void TestPictureScheduler::picturesWaitForTheirSound()
{
    QFETCH(bool, audio);
    QFETCH(qint64, offsetUs);
    QFETCH(qint64, arrivalUs);
    QFETCH(int, pictures);
    QFETCH(qint64, nowUs);
    QFETCH(QList<qint64>, releasedAtPush);
    QFETCH(QList<qint64>, releasedByDue);
    QFETCH(qint64, late);

    PictureScheduler scheduler;
    const QString bob = QStringLiteral("bob");
    scheduler.setAudioClock(bob, audio ? std::optional<qint64>(offsetUs) : std::nullopt);
    QList<qint64> pushed;
    const qint64 p0 = 1'000'000;
    for (int n = 0; n < pictures; ++n) {
        // Pushed as decoded: a frame apart, never later than `nowUs`.
        const qint64 at = qMin(nowUs, arrivalUs + (late ? 0 : n * kFrameUs / 4));
        pushed << ptsOf(scheduler.push(picture(bob, p0 + n * kFrameUs), at));
    }
    QCOMPARE(pushed, releasedAtPush);
    QCOMPARE(ptsOf(scheduler.due(nowUs)), releasedByDue);
    QCOMPARE(scheduler.latePictures(), late);
    QCOMPARE(scheduler.queued(bob), pictures - int(releasedAtPush.size() + releasedByDue.size()));
    if (audio)
        QCOMPARE(scheduler.presentationTimeUs(bob, p0), p0 + offsetUs);
    else
        QVERIFY(!scheduler.presentationTimeUs(bob, p0));
    // Everything leaves by the time the last one's sound is heard.
    const int held = scheduler.queued(bob);
    QCOMPARE(int(scheduler.due(p0 + pictures * kFrameUs + offsetUs).size()), held);
    QCOMPARE(scheduler.queued(bob), 0);
}

void TestPictureScheduler::aFullQueueDropsTheOldest()
{
    PictureScheduler scheduler(4);
    const QString bob = QStringLiteral("bob"), carol = QStringLiteral("carol");
    scheduler.setAudioClock(bob, 10'000'000); // heard far in the future: everything waits
    scheduler.setAudioClock(carol, 10'000'000);
    for (int n = 0; n < 10; ++n)
        QVERIFY(scheduler.push(picture(bob, n * kFrameUs), 0).empty());
    QVERIFY(scheduler.push(picture(carol, 0), 0).empty());
    QCOMPARE(scheduler.queued(bob), 4);
    QCOMPARE(scheduler.queued(carol), 1); // bounded per member: bob's flood costs carol nothing
    QCOMPARE(scheduler.overflowDrops(), qint64(6));
    const auto out = scheduler.due(20'000'000);
    QCOMPARE(ptsOf(out), (QList<qint64>{6 * kFrameUs, 7 * kFrameUs, 8 * kFrameUs, 9 * kFrameUs, 0}));
}

void TestPictureScheduler::bothVideoTracksLeaveInPtsOrder()
{
    PictureScheduler scheduler;
    const QString bob = QStringLiteral("bob");
    scheduler.setAudioClock(bob, 100'000);
    scheduler.push(picture(bob, 66'000, Track::SubStreamVideo), 0);
    scheduler.push(picture(bob, 0, Track::CameraVideo), 0);
    scheduler.push(picture(bob, 33'000, Track::CameraVideo), 0);
    scheduler.push(picture(bob, 50'000, Track::SubStreamVideo), 0);
    QCOMPARE(ptsOf(scheduler.due(140'000)), (QList<qint64>{0, 33'000}));
    const auto rest = scheduler.due(200'000);
    QCOMPARE(ptsOf(rest), (QList<qint64>{50'000, 66'000}));
    QCOMPARE(rest[0].track, Track::SubStreamVideo);
}

void TestPictureScheduler::aLeavingMemberTakesItsPictures()
{
    PictureScheduler scheduler;
    const QString bob = QStringLiteral("bob"), carol = QStringLiteral("carol");
    scheduler.setAudioClock(bob, 100'000);
    scheduler.setAudioClock(carol, 100'000);
    for (int n = 0; n < 3; ++n) {
        scheduler.push(picture(bob, n * kFrameUs), 0);
        scheduler.push(picture(carol, n * kFrameUs), 0);
    }
    scheduler.removeMember(bob);
    QCOMPARE(scheduler.queued(bob), 0);
    QVERIFY(!scheduler.presentationTimeUs(bob, 0));
    const auto out = scheduler.due(1'000'000);
    QCOMPARE(out.size(), size_t(3));
    for (const MemberPicture &p : out)
        QCOMPARE(p.userId, carol);
    // Back again without audio: shown at once, not on the old clock.
    QCOMPARE(scheduler.push(picture(bob, 5 * kFrameUs), 0).size(), size_t(1));
}

void TestPictureScheduler::losingTheAudioClockReleasesWhatIsHeld()
{
    PictureScheduler scheduler;
    const QString bob = QStringLiteral("bob");
    scheduler.setAudioClock(bob, 500'000);
    scheduler.push(picture(bob, 0), 0);
    scheduler.push(picture(bob, kFrameUs), 0);
    scheduler.setAudioClock(bob, std::nullopt);
    // A new picture never overtakes the held ones.
    QCOMPARE(ptsOf(scheduler.push(picture(bob, 2 * kFrameUs), 10)), (QList<qint64>{0, kFrameUs, 2 * kFrameUs}));
}

QTEST_GUILESS_MAIN(TestPictureScheduler)
#include "tst_picturescheduler.moc"
