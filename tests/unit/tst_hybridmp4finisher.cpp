// HybridMp4Finisher turns the fragmented MP4s FragmentedMp4Writer records into regular
// MP4s in place: the files here are real recordings (test pattern through H.264, a tone
// through AAC, written by the server's writer), checked before and after with our own
// decoder and with independent players (ffprobe/ffmpeg, GStreamer, mediainfo), and
// compared byte for byte to show that no media was rewritten.
#include "fileinode.h"
#include "mp4inspector.h"
#include "playercheck.h"

#include "media/aacencoder.h"
#include "media/h264encoder.h"
#include "media/testpatternpainter.h"
#include "recording/fragmentedmp4writer.h"
#include "recording/hybridmp4finisher.h"

#include <QAudioOutput>
#include <QMediaPlayer>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>

#include <algorithm>
#include <cmath>

#ifdef Q_OS_UNIX
#include <csignal>
#include <sys/resource.h>
#endif

using namespace roomrec;

Q_DECLARE_METATYPE(HybridMp4Finisher::Step)

namespace {

struct Take {
    double seconds = 0;
    bool audio = true;
    int fps = 30;
    int gopFrames = 30;
    QSize size{320, 180};
    int audioDelayMs = 0; // the first audio packet comes this long after the first video frame
    // Added to every audio tfdt after recording: a track that starts late by its decode
    // times (other writers do that; ours stretches the first sample instead).
    int audioTfdtShiftMs = 0;
};

// Adds `ticks` to the tfdt of every traf of one track (64-bit tfdt, as our writer makes).
void shiftTrackDecodeTimes(const QString &path, quint32 trackId, quint64 ticks)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadWrite))
        return;
    QByteArray bytes = f.readAll();
    for (qsizetype tfhd = bytes.indexOf("tfhd"); tfhd > 0; tfhd = bytes.indexOf("tfhd", tfhd + 4)) {
        const qsizetype tfdt = bytes.indexOf("tfdt", tfhd);
        if (tfdt < 0 || qFromBigEndian<quint32>(bytes.constData() + tfhd + 8) != trackId || bytes.at(tfdt + 4) != 1)
            continue;
        qToBigEndian(qFromBigEndian<quint64>(bytes.constData() + tfdt + 8) + ticks, bytes.data() + tfdt + 8);
    }
    f.seek(0);
    f.write(bytes);
}

// Records `take` to path with FragmentedMp4Writer, as the server would; returns the number
// of video frames written (0 and a test failure if anything went wrong).
int record(const QString &path, const Take &take)
{
    VideoEncoderSettings vs;
    vs.size = take.size;
    vs.frameRate = take.fps;
    vs.gopFrames = take.gopFrames;
    H264Encoder video;
    if (!video.open(vs).ok())
        return 0;
    AvFramePtr yuv(av_frame_alloc());
    yuv->format = AV_PIX_FMT_YUV420P;
    yuv->width = take.size.width();
    yuv->height = take.size.height();
    if (av_frame_get_buffer(yuv.get(), 0) < 0)
        return 0;
    const int frames = int(std::lround(take.seconds * take.fps));
    const qint64 frameUs = 1'000'000 / take.fps;
    QList<MediaPacket> packets;
    for (int i = 0; i < frames; ++i) {
        TestPatternPainter::paint(yuv.get(), i, i * frameUs / 1000, i % take.fps == 0);
        auto out = video.encode(yuv.get(), i * frameUs, false, Track::CameraVideo);
        if (!out.ok())
            return 0;
        packets << out.value();
    }
    if (auto rest = video.flush(Track::CameraVideo); rest.ok())
        packets << rest.value();
    for (MediaPacket &p : packets)
        p.durationUs = qint32(frameUs);

    AacEncoder audio;
    if (take.audio) {
        if (!audio.open(AudioEncoderSettings{}, 48000, 2).ok())
            return 0;
        constexpr int kBlock = 960; // 20 ms
        std::vector<qint16> samples(2 * kBlock);
        const int blocks = int((take.seconds * 1000 - take.audioDelayMs) / 20);
        for (int b = 0; b < blocks; ++b) {
            for (int i = 0; i < kBlock; ++i) {
                const double t = (b * kBlock + i) / 48000.0;
                samples[2 * i] = samples[2 * i + 1] = qint16(8000 * std::sin(2 * M_PI * 440 * t));
            }
            auto out = audio.encode(samples.data(), kBlock, (take.audioDelayMs + b * 20) * 1000LL);
            if (!out.ok())
                return 0;
            packets << out.value();
        }
    }
    std::stable_sort(packets.begin(), packets.end(),
                     [](const MediaPacket &a, const MediaPacket &b) { return a.dtsUs < b.dtsUs; });

    VideoParams vp;
    vp.width = take.size.width();
    vp.height = take.size.height();
    vp.frameRateNum = take.fps;
    vp.extradata = video.extradata();
    std::optional<AudioParams> ap;
    if (take.audio) {
        ap = AudioParams{};
        ap->extradata = audio.extradata();
    }
    FragmentedMp4Writer writer;
    if (auto s = writer.open(path, vp, ap); !s.ok()) {
        qWarning() << "open failed:" << s.error().message;
        return 0;
    }
    int written = 0;
    for (const MediaPacket &p : std::as_const(packets)) {
        if (p.dtsUs < 0)
            continue; // the AAC encoder's priming: the Recorder never hands the writer times before 0
        if (auto s = writer.write(p, p.ptsUs, p.dtsUs); !s.ok()) {
            qWarning() << "write failed:" << s.error().message;
            return 0;
        }
        written += p.isVideo() ? 1 : 0;
    }
    if (!writer.finish().ok())
        return 0;
    if (take.audio && take.audioTfdtShiftMs > 0)
        shiftTrackDecodeTimes(path, 2, take.audioTfdtShiftMs * 48);
    return written;
}

// QVERIFY2 evaluates its message even when the check passes.
template <typename T>
QByteArray why(const Result<T> &result)
{
    return result.ok() ? QByteArray() : result.error().toString().toUtf8();
}

QByteArray contents(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool overwrite(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

// Offset of the last top-level box of `type`, or -1.
qint64 lastTopLevel(const QByteArray &bytes, const char *type)
{
    qint64 found = -1;
    for (qint64 pos = 0; pos + 8 <= bytes.size();) {
        const qint64 size = qFromBigEndian<quint32>(bytes.constData() + pos);
        if (bytes.mid(pos + 4, 4) == type)
            found = pos;
        if (size < 8)
            break;
        pos += size;
    }
    return found;
}

void verifyPlaysEverywhere(const QString &path, double seconds, int frames, const QString &format)
{
    const PlayerReport r = PlayerCheck::check(path);
    const QString all = QStringLiteral("ffprobe %1 %2 s %3 frames [%4]; ffmpeg [%5]; gst %6 s; mediainfo %7 s %8 frames (%9)")
                            .arg(r.ffprobeFormat).arg(r.ffprobeSeconds).arg(r.ffprobeVideoFrames).arg(r.ffprobeErrors)
                            .arg(r.ffmpegDecodeErrors).arg(r.gstreamerSeconds).arg(r.mediainfoSeconds)
                            .arg(r.mediainfoVideoFrames).arg(r.mediainfoFormat);
    QVERIFY2(r.ffprobeFormat.contains(format), qPrintable(all));
    QVERIFY2(r.ffprobeErrors.isEmpty(), qPrintable(all));
    QVERIFY2(qAbs(r.ffprobeSeconds - seconds) < 0.1, qPrintable(all));
    QVERIFY2(r.ffprobeVideoFrames == frames, qPrintable(all));
    QVERIFY2(r.ffmpegDecodeErrors.isEmpty(), qPrintable(all));
    QVERIFY2(qAbs(r.gstreamerSeconds - seconds) < 0.1, qPrintable(all + QLatin1Char('\n') + r.gstreamerOutput));
    QVERIFY2(qAbs(r.mediainfoSeconds - seconds) < 0.1, qPrintable(all));
    QVERIFY2(r.mediainfoVideoFrames == frames, qPrintable(all));
}

} // namespace

Q_DECLARE_METATYPE(Take)

class TestHybridMp4Finisher : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void finishesInPlaceWithoutRewritingMedia_data();
    void finishesInPlaceWithoutRewritingMedia();
    void finishingTwiceChangesNothing();
    void everyStateACrashCanLeavePlays_data();
    void everyStateACrashCanLeavePlays();
    void damagedFileIsLeftUntouched_data();
    void damagedFileIsLeftUntouched();
    void failedAppendLeavesTheFileAsItWas();
    void qMediaPlayerKnowsTheDuration();

private:
    QTemporaryDir m_dir;
    QString m_reference; // camera + tone, 3 s, finished by nobody: copied by the tests
    int m_referenceFrames = 0;
};

void TestHybridMp4Finisher::initTestCase()
{
    const QStringList missing = PlayerCheck::missingTools();
    if (!missing.isEmpty())
        QSKIP(qPrintable(QStringLiteral("not installed: %1 (scripts/deps.sh installs them)").arg(missing.join(QLatin1String(", ")))));
    m_reference = m_dir.filePath(QStringLiteral("reference.mp4"));
    m_referenceFrames = record(m_reference, Take{3.0});
    QCOMPARE(m_referenceFrames, 90);
}

void TestHybridMp4Finisher::finishesInPlaceWithoutRewritingMedia_data()
{
    QTest::addColumn<Take>("take");
    QTest::newRow("camera + tone, 3 s") << Take{3.0};
    QTest::newRow("sub-stream, no audio, 1280x720 15 fps") << Take{2.0, false, 15, 30, {1280, 720}};
    QTest::newRow("audio starts 0.2 s late") << Take{2.0, true, 30, 30, {320, 180}, 200};
    QTest::newRow("audio decode times start at 0.5 s (edit list)") << Take{2.0, true, 30, 30, {320, 180}, 0, 500};
    // Fragments are cut every second even between key frames: they start with non-key frames.
    QTest::newRow("one key frame every 5 s") << Take{6.0, true, 30, 150};
    QTest::newRow("a fifth of a second: one fragment") << Take{0.2};
}

void TestHybridMp4Finisher::finishesInPlaceWithoutRewritingMedia()
{
    QFETCH(Take, take);
    const QString path = m_dir.filePath(QStringLiteral("take.mp4"));
    QFile::remove(path);
    const int frames = record(path, take);
    QVERIFY(frames > 0);
    const QByteArray before = contents(path);
    QCOMPARE(PlayerCheck::topLevelBoxes(path).mid(0, 4),
             (QStringList{QStringLiteral("ftyp"), QStringLiteral("free"), QStringLiteral("moov"), QStringLiteral("moof")}));
    const PlayerReport fragmented = PlayerCheck::check(path);
    const quint64 node = fileInode(path);

    auto outcome = HybridMp4Finisher::finish(path);
    QVERIFY2(outcome.ok(), why(outcome).constData());
    QVERIFY(!outcome->alreadyFinished);
    QCOMPARE(outcome->sizeBefore, before.size());
    QCOMPARE(outcome->sizeAfter, QFileInfo(path).size());

    // Regular: ftyp, one mdat, the complete moov; no fragments, no mvex.
    QCOMPARE(PlayerCheck::topLevelBoxes(path),
             (QStringList{QStringLiteral("ftyp"), QStringLiteral("mdat"), QStringLiteral("moov")}));
    const QStringList moov = PlayerCheck::lastMoovChildren(path);
    QVERIFY2(!moov.contains(QLatin1String("mvex")), qPrintable(moov.join(QLatin1Char(' '))));
    QCOMPARE(moov.count(QLatin1String("trak")), take.audio ? 2 : 1);

    // Not rewritten: the same file, every byte as recorded but the 16-byte header, and only
    // the index (a small fraction of the file) written.
    QCOMPARE(fileInode(path), node);
    const QByteArray after = contents(path);
    const qsizetype header = qFromBigEndian<quint32>(before.constData()); // ftyp's size
    QCOMPARE(after.first(header), before.first(header));
    QCOMPARE(after.mid(header + 16, before.size() - header - 16), before.mid(header + 16));
    QCOMPARE(after.mid(header, 8), QByteArray("\0\0\0\1mdat", 8));
    QCOMPARE(outcome->bytesWritten, after.size() - before.size() + 4 + 16);
    // ~12 bytes a sample, plus the track headers the init moov had (~1 KiB).
    QVERIFY2(outcome->bytesWritten < after.size() / 50 + 2048,
             qPrintable(QStringLiteral("%1 of %2 bytes").arg(outcome->bytesWritten).arg(after.size())));
    QVERIFY(outcome->bytesRead * 20 < after.size() || after.size() < 200'000);
    qInfo("%lld-byte file: %lld bytes written, %lld read, %d fragments", qint64(after.size()), outcome->bytesWritten,
          outcome->bytesRead, outcome->fragments);

    // Every frame decodes, and the timing is the one the fragments had.
    const Mp4Report mp4 = Mp4Inspector::inspect(path);
    QVERIFY2(mp4.opened, qPrintable(mp4.error));
    QCOMPARE(mp4.videoFramesDecoded, frames);
    QCOMPARE(mp4.decodeErrors, 0);
    QCOMPARE(mp4.audioStreams, take.audio ? 1 : 0);
    const PlayerReport finished = PlayerCheck::check(path);
    const double seconds = finished.ffprobeSeconds;
    QVERIFY2(qAbs(seconds - take.seconds - take.audioTfdtShiftMs / 1000.0) < 0.15, qPrintable(QString::number(seconds)));
    // (ffprobe counts a late start twice in a fragmented file's duration: nothing to compare.)
    if (take.audioTfdtShiftMs == 0 && take.audioDelayMs == 0)
        QVERIFY2(qAbs(seconds - fragmented.ffprobeSeconds) < 0.002,
                 qPrintable(QStringLiteral("%1 s, fragmented %2 s").arg(seconds).arg(fragmented.ffprobeSeconds)));
    verifyPlaysEverywhere(path, seconds, frames, QStringLiteral("mp4"));
    QCOMPARE(finished.ffprobeStartTimes.size(), fragmented.ffprobeStartTimes.size());
    for (int i = 0; i < finished.ffprobeStartTimes.size(); ++i)
        QVERIFY2(qAbs(finished.ffprobeStartTimes[i] - fragmented.ffprobeStartTimes[i]) < 0.002,
                 qPrintable(QStringLiteral("stream %1 starts at %2, was %3").arg(i).arg(finished.ffprobeStartTimes[i])
                                .arg(fragmented.ffprobeStartTimes[i])));
    if (take.audioTfdtShiftMs > 0) {
        QVERIFY2(qAbs(finished.ffprobeStartTimes.value(1) - take.audioTfdtShiftMs / 1000.0) < 0.002,
                 qPrintable(QString::number(finished.ffprobeStartTimes.value(1))));
        QVERIFY(contents(path).contains("elst")); // the empty edit that keeps it there
    }
    QVERIFY(finished.gstreamerSeekable);
}

void TestHybridMp4Finisher::finishingTwiceChangesNothing()
{
    const QString path = m_dir.filePath(QStringLiteral("twice.mp4"));
    QVERIFY(QFile::copy(m_reference, path));
    QVERIFY(HybridMp4Finisher::finish(path).ok());
    const QByteArray once = contents(path);
    auto again = HybridMp4Finisher::finish(path);
    QVERIFY(again.ok());
    QVERIFY(again->alreadyFinished);
    QCOMPARE(again->bytesWritten, 0);
    QCOMPARE(contents(path), once);
}

void TestHybridMp4Finisher::everyStateACrashCanLeavePlays_data()
{
    QTest::addColumn<HybridMp4Finisher::Step>("step");
    QTest::newRow("index appended as a free box") << HybridMp4Finisher::Step::Staged;
    QTest::newRow("index appended as a second moov") << HybridMp4Finisher::Step::IndexInPlace;
}

void TestHybridMp4Finisher::everyStateACrashCanLeavePlays()
{
    QFETCH(HybridMp4Finisher::Step, step);
    const QString path = m_dir.filePath(QStringLiteral("interrupted.mp4"));
    QFile::remove(path);
    QVERIFY(QFile::copy(m_reference, path));
    const PlayerReport fragmented = PlayerCheck::check(path);
    QVERIFY(HybridMp4Finisher::finish(path, step).ok());
    QCOMPARE(PlayerCheck::topLevelBoxes(path).last(),
             step == HybridMp4Finisher::Step::Staged ? QStringLiteral("free") : QStringLiteral("moov"));
    // Still the fragmented file to every player, the trailing box skipped: each says what it
    // said before. (GStreamer's discoverer only counts a fragmented file's first fragment;
    // that is why files are finished at all.)
    const PlayerReport interrupted = PlayerCheck::check(path);
    QCOMPARE(interrupted.ffprobeSeconds, fragmented.ffprobeSeconds);
    QCOMPARE(interrupted.ffprobeVideoFrames, m_referenceFrames);
    QCOMPARE(interrupted.ffprobeErrors, QString());
    QCOMPARE(interrupted.ffmpegDecodeErrors, QString());
    QCOMPARE(interrupted.gstreamerSeconds, fragmented.gstreamerSeconds);
    QVERIFY(interrupted.gstreamerSeconds > 0.9);
    QCOMPARE(interrupted.mediainfoSeconds, fragmented.mediainfoSeconds);
    QCOMPARE(interrupted.mediainfoVideoFrames, fragmented.mediainfoVideoFrames);
    QCOMPARE(Mp4Inspector::inspect(path).videoFramesDecoded, m_referenceFrames);

    // Finishing again (as after a restart) completes it; the leftover ends up inside the mdat.
    auto outcome = HybridMp4Finisher::finish(path);
    QVERIFY2(outcome.ok(), why(outcome).constData());
    QCOMPARE(PlayerCheck::topLevelBoxes(path),
             (QStringList{QStringLiteral("ftyp"), QStringLiteral("mdat"), QStringLiteral("moov")}));
    verifyPlaysEverywhere(path, fragmented.ffprobeSeconds, m_referenceFrames, QStringLiteral("mp4"));
}

void TestHybridMp4Finisher::damagedFileIsLeftUntouched_data()
{
    QTest::addColumn<QString>("damage");
    QTest::newRow("last trun claims 1000 more samples") << QStringLiteral("count");
    QTest::newRow("a trun's samples lie outside its mdat") << QStringLiteral("offset");
    QTest::newRow("cut off in the last mdat (not repaired)") << QStringLiteral("cut");
    QTest::newRow("no reserved header (recorded by an older version)") << QStringLiteral("unreserved");
}

void TestHybridMp4Finisher::damagedFileIsLeftUntouched()
{
    QFETCH(QString, damage);
    const QString path = m_dir.filePath(QStringLiteral("damaged.mp4"));
    QByteArray bytes = contents(m_reference);
    const qint64 lastMoof = lastTopLevel(bytes, "moof");
    QVERIFY(lastMoof > 0);
    // The last track's run in the last fragment (the audio's: FFmpeg gives up on the whole
    // file when a video run is damaged, whichever fragment it is in).
    const qint64 trun = bytes.lastIndexOf("trun");
    QVERIFY(trun > lastMoof);
    if (damage == QLatin1String("count")) {
        qToBigEndian(qFromBigEndian<quint32>(bytes.constData() + trun + 8) + 1000, bytes.data() + trun + 8);
    } else if (damage == QLatin1String("offset")) {
        QVERIFY(bytes.at(trun + 7) & 1); // data-offset-present
        qToBigEndian(quint32(0x7fff0000), bytes.data() + trun + 12);
    } else if (damage == QLatin1String("cut")) {
        bytes.chop(100);
    } else {
        const qsizetype ftyp = qFromBigEndian<quint32>(bytes.constData());
        QCOMPARE(bytes.mid(ftyp + 4, 4), QByteArray("free"));
        bytes.remove(ftyp, 16); // the muxer's offsets are relative to each moof: still valid
    }
    QVERIFY(overwrite(path, bytes));

    auto outcome = HybridMp4Finisher::finish(path);
    QVERIFY(!outcome.ok());
    qInfo() << outcome.error().toString();
    QCOMPARE(contents(path), bytes); // not a byte changed, not truncated, not replaced
    // And what plays still plays (the damaged fragment aside).
    const Mp4Report mp4 = Mp4Inspector::inspect(path);
    QVERIFY2(mp4.opened, qPrintable(mp4.error));
    QVERIFY2(mp4.videoFramesDecoded >= m_referenceFrames - 30, qPrintable(QString::number(mp4.videoFramesDecoded)));
    QVERIFY(PlayerCheck::check(path).ffprobeSeconds > 1.5);
}

void TestHybridMp4Finisher::failedAppendLeavesTheFileAsItWas()
{
#ifndef Q_OS_UNIX
    QSKIP("uses RLIMIT_FSIZE");
#else
    const QString path = m_dir.filePath(QStringLiteral("full.mp4"));
    QVERIFY(QFile::copy(m_reference, path));
    const QByteArray before = contents(path);
    // The file may not grow: the append fails as on a full disk.
    ::signal(SIGXFSZ, SIG_IGN);
    rlimit saved {};
    QCOMPARE(::getrlimit(RLIMIT_FSIZE, &saved), 0);
    rlimit capped = saved;
    capped.rlim_cur = rlim_t(before.size() + 100);
    QCOMPARE(::setrlimit(RLIMIT_FSIZE, &capped), 0);
    auto outcome = HybridMp4Finisher::finish(path);
    ::setrlimit(RLIMIT_FSIZE, &saved);
    QVERIFY(!outcome.ok());
    qInfo() << outcome.error().toString();
    QCOMPARE(contents(path), before);
    QCOMPARE(Mp4Inspector::inspect(path).videoFramesDecoded, m_referenceFrames);
#endif
}

void TestHybridMp4Finisher::qMediaPlayerKnowsTheDuration()
{
    const QString path = m_dir.filePath(QStringLiteral("player.mp4"));
    QVERIFY(QFile::copy(m_reference, path));
    QVERIFY(HybridMp4Finisher::finish(path).ok());
    QMediaPlayer player;
    QAudioOutput audio; // a sink the backend can build its pipeline with (none is opened)
    player.setAudioOutput(&audio);
    player.setSource(QUrl::fromLocalFile(path));
    QTRY_VERIFY_WITH_TIMEOUT(player.mediaStatus() == QMediaPlayer::LoadedMedia || player.error() != QMediaPlayer::NoError
                                 || player.mediaStatus() == QMediaPlayer::InvalidMedia,
                             15'000);
    if (player.error() != QMediaPlayer::NoError)
        QSKIP(qPrintable(QStringLiteral("QMediaPlayer cannot play here: %1").arg(player.errorString())));
    QVERIFY2(qAbs(player.duration() - 3000) <= 100, qPrintable(QString::number(player.duration())));
    QVERIFY(player.isSeekable());
}

QTEST_GUILESS_MAIN(TestHybridMp4Finisher)
#include "tst_hybridmp4finisher.moc"
