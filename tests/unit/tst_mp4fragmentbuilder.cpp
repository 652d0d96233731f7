// Mp4FragmentBuilder: NAL units become length-prefixed samples without a copy, fragments are
// cut where they should be, and every duration and decode time is exact across fragments.
#include "recording/mp4boxreader.h"
#include "recording/mp4fragmentbuilder.h"

#include <QtEndian>
#include <QtTest>

using namespace roomrec;

namespace {
constexpr quint32 kVideoScale = 90000;
constexpr quint32 kAudioScale = 48000;

struct Run {
    quint32 trackId = 0;
    quint64 tfdt = 0;
    QList<quint32> durations, sizes, flags;
    QByteArray data; // the run's bytes in the mdat
};

QByteArray flatten(const Mp4FragmentBuilder::Fragment &f)
{
    QByteArray out;
    for (const auto &piece : f.pieces)
        out.append(piece.data, piece.size);
    return out;
}

// Parses one moof + mdat as a reader would; every box has to be where the header says.
QList<Run> parse(const QByteArray &bytes)
{
    QList<Run> runs;
    Mp4BoxReader top(bytes);
    const auto moof = top.nextBox();
    const auto mdat = top.nextBox();
    if (!moof || moof->type != fourcc("moof") || !mdat || mdat->type != fourcc("mdat") || !top.atEnd())
        return runs;
    Mp4BoxReader children(moof->payload);
    while (auto box = children.nextBox()) {
        if (box->type != fourcc("traf"))
            continue;
        Run run;
        Mp4BoxReader tfhd(Mp4BoxReader::find(box->payload, fourcc("tfhd"))->payload);
        tfhd.skip(4);
        run.trackId = tfhd.u32();
        Mp4BoxReader tfdt(Mp4BoxReader::find(box->payload, fourcc("tfdt"))->payload);
        tfdt.skip(4);
        run.tfdt = tfdt.u64();
        Mp4BoxReader trun(Mp4BoxReader::find(box->payload, fourcc("trun"))->payload);
        const quint32 flags = trun.u32() & 0xffffff;
        const quint32 count = trun.u32();
        const quint32 offset = trun.u32();
        qint64 bytesInRun = 0;
        for (quint32 i = 0; i < count; ++i) {
            run.durations << trun.u32();
            run.sizes << trun.u32();
            run.flags << trun.u32();
            if (flags & 0x800)
                trun.u32();
            bytesInRun += run.sizes.last();
        }
        run.data = bytes.mid(offset, bytesInRun);
        runs << run;
    }
    return runs;
}

MediaPacket video(qint64 dtsUs, bool key, const QByteArray &data = QByteArray("\0\0\0\1\x65payload", 12))
{
    MediaPacket p;
    p.track = Track::CameraVideo;
    p.key = key;
    p.ptsUs = p.dtsUs = dtsUs;
    p.durationUs = 33'333;
    p.data = data;
    return p;
}

MediaPacket audio(qint64 dtsUs)
{
    MediaPacket p;
    p.track = Track::CameraAudio;
    p.key = true;
    p.ptsUs = p.dtsUs = dtsUs;
    p.durationUs = 21'333;
    p.data = QByteArray(300, 'a');
    return p;
}
} // namespace

class TestMp4FragmentBuilder : public QObject {
    Q_OBJECT
private slots:
    void nalUnitsBecomeLengthPrefixed_data();
    void nalUnitsBecomeLengthPrefixed();
    void cutsBeforeKeyFramesAndEverySecond();
    void durationsAndDecodeTimesContinueAcrossFragments();
    void sizeCapCutsAFragment();
    void refusesTimeGoingBackwards();
};

void TestMp4FragmentBuilder::nalUnitsBecomeLengthPrefixed_data()
{
    QTest::addColumn<QByteArray>("annexB");
    QTest::addColumn<QByteArray>("stored");
    const QByteArray sps("\x67\x42\x00\x1f", 4), pps("\x68\xce\x3c\x80", 4), idr("\x65\x88\x84\x00\x01\x02", 6);
    auto prefixed = [](const QList<QByteArray> &nals) {
        QByteArray out;
        for (const QByteArray &nal : nals) {
            char length[4];
            qToBigEndian(quint32(nal.size()), length);
            out.append(length, 4).append(nal);
        }
        return out;
    };
    QTest::newRow("4-byte start codes") << QByteArray("\0\0\0\1", 4) + sps + QByteArray("\0\0\0\1", 4) + pps + QByteArray("\0\0\0\1", 4) + idr
                                        << prefixed({sps, pps, idr});
    QTest::newRow("3-byte start codes") << QByteArray("\0\0\1", 3) + sps + QByteArray("\0\0\1", 3) + idr << prefixed({sps, idr});
    QTest::newRow("trailing zero bytes belong to no NAL") << QByteArray("\0\0\1", 3) + sps + QByteArray(3, '\0') + QByteArray("\0\0\1", 3) + idr + QByteArray(2, '\0')
                                                          << prefixed({sps, idr});
    QTest::newRow("0x01 bytes inside a NAL") << QByteArray("\0\0\0\1", 4) + QByteArray("\x65\x01\x01\x00\x01\x07", 6)
                                             << prefixed({QByteArray("\x65\x01\x01\x00\x01\x07", 6)});
    QTest::newRow("no start code: the payload is one NAL") << idr << prefixed({idr});
    // Long enough for the vectorised scan: NALs of many lengths (start codes at every offset
    // within a vector block), each full of 0x01 bytes, lone zeros and emulation-prevention 00 00 03.
    QList<QByteArray> nals;
    QByteArray longAccessUnit;
    quint32 seed = 12345;
    for (int length : {1, 2, 15, 16, 17, 29, 30, 31, 32, 33, 61, 62, 63, 100, 1000, 4097}) {
        QByteArray nal(1, '\x41');
        while (nal.size() < length) {
            seed = seed * 1103515245u + 12345u;
            switch ((seed >> 16) % 8) {
            case 0: nal.append('\0'); nal.append('\x05'); break;
            case 1: nal.append("\0\0\x03", 3); break;
            case 2: nal.append('\x01'); break;
            default: nal.append(char(1 + (seed >> 8) % 255)); break;
            }
        }
        nal.truncate(length);
        if (nal.endsWith('\0'))
            nal.back() = '\x07';
        nals << nal;
        longAccessUnit += (nals.size() % 2 ? QByteArray("\0\0\0\1", 4) : QByteArray("\0\0\1", 3)) + nal;
    }
    QTest::newRow("long access unit, start codes at every alignment") << longAccessUnit << prefixed(nals);
}

void TestMp4FragmentBuilder::nalUnitsBecomeLengthPrefixed()
{
    QFETCH(QByteArray, annexB);
    QFETCH(QByteArray, stored);
    Mp4FragmentBuilder builder({1, kVideoScale}, std::nullopt);
    QVERIFY(builder.add(video(0, true, annexB), 0, 0).ok());
    const auto fragment = builder.finish();
    QVERIFY(fragment);
    const QList<Run> runs = parse(flatten(*fragment));
    QCOMPARE(runs.size(), 1);
    QCOMPARE(runs[0].sizes, QList<quint32>{quint32(stored.size())});
    QCOMPARE(runs[0].data, stored);
    // The media is not copied: the pieces point into the packet's own bytes.
    bool pointsIntoPayload = false;
    for (const auto &piece : fragment->pieces)
        pointsIntoPayload |= piece.data >= fragment->payloads[0].constData() && piece.data < fragment->payloads[0].constData() + annexB.size();
    QVERIFY(pointsIntoPayload);
}

void TestMp4FragmentBuilder::cutsBeforeKeyFramesAndEverySecond()
{
    // 30 fps, key frames at 0 and 2 s: the first frame alone (out at once), then a second's
    // worth from frame 1, then up to the key frame, then the rest.
    Mp4FragmentBuilder builder({1, kVideoScale}, std::nullopt);
    QList<int> firstFrames{0};
    int fragments = 0;
    for (int i = 0; i < 90; ++i) {
        const qint64 dts = i * 1'000'000LL / 30;
        auto out = builder.add(video(dts, i % 60 == 0), dts, dts);
        QVERIFY(out.ok());
        if (out.value()) {
            ++fragments;
            firstFrames << i;
            const QList<Run> runs = parse(flatten(*out.value()));
            QCOMPARE(runs.size(), 1);
            QCOMPARE(runs[0].flags.first(), firstFrames[fragments - 1] % 60 == 0 ? 0x02000000u : 0x01010000u);
        }
    }
    QCOMPARE(firstFrames, (QList<int>{0, 1, 31, 60}));
    QVERIFY(builder.finish());
}

void TestMp4FragmentBuilder::durationsAndDecodeTimesContinueAcrossFragments()
{
    Mp4FragmentBuilder builder({1, kVideoScale}, Mp4FragmentBuilder::Track{2, kAudioScale});
    QList<Run> runs;
    // Audio starts 0.2 s late and its packets straddle the cuts; video every 33.333 ms.
    qint64 nextAudio = 200'000;
    for (int i = 0; i < 100; ++i) {
        const qint64 dts = i * 1'000'000LL / 30;
        while (nextAudio <= dts) {
            auto out = builder.add(audio(nextAudio), nextAudio, nextAudio);
            QVERIFY(out.ok());
            if (out.value())
                runs << parse(flatten(*out.value()));
            nextAudio += 21'333;
        }
        auto out = builder.add(video(dts, i % 30 == 0), dts, dts);
        QVERIFY(out.ok());
        if (out.value())
            runs << parse(flatten(*out.value()));
    }
    auto last = builder.finish();
    QVERIFY(last);
    runs << parse(flatten(*last));

    quint64 next[3] = {0, 0, quint64(200'000) * kAudioScale / 1'000'000};
    int samples[3] = {0, 0, 0};
    for (const Run &run : std::as_const(runs)) {
        QVERIFY(run.trackId == 1 || run.trackId == 2);
        QCOMPARE(run.tfdt, next[run.trackId]); // no gap, no overlap
        for (quint32 d : run.durations)
            next[run.trackId] += d;
        samples[run.trackId] += int(run.durations.size());
        for (qsizetype i = 0; i + 1 < run.durations.size(); ++i)
            QVERIFY(run.durations[i] > 0);
    }
    QCOMPARE(samples[1], 100);
    QCOMPARE(samples[2], int((nextAudio - 200'000) / 21'333));
    // The last samples last what their packets said.
    QCOMPARE(next[1], quint64(99) * 3000 + 3000);
    QCOMPARE(runs.last().durations.last(), 1024u);
}

void TestMp4FragmentBuilder::sizeCapCutsAFragment()
{
    // Timestamps that barely move and no key frame after the first: only bytes cut.
    Mp4FragmentBuilder builder({1, kVideoScale}, std::nullopt);
    const QByteArray big = QByteArray("\0\0\0\1\x41", 5) + QByteArray(1024 * 1024, 'x');
    int fragments = 0;
    for (int i = 0; i < 20; ++i) {
        auto out = builder.add(video(i * 20, i == 0, big), i * 20, i * 20);
        QVERIFY(out.ok());
        if (out.value()) {
            ++fragments;
            QVERIFY(out.value()->size <= Mp4FragmentBuilder::kMaxFragmentBytes + 2 * big.size());
        }
        QVERIFY(builder.heldBytes() <= 2 * big.size());
    }
    QCOMPARE(fragments, 3); // the first frame alone, then two at the cap
}

void TestMp4FragmentBuilder::refusesTimeGoingBackwards()
{
    Mp4FragmentBuilder builder({1, kVideoScale}, std::nullopt);
    QVERIFY(builder.add(video(1000, true), 1000, 1000).ok());
    QVERIFY(!builder.add(video(1000, false), 1000, 1000).ok());
    QVERIFY(!builder.add(video(500, false), 500, 500).ok());
    QVERIFY(!builder.add(video(2000, false), 1500, 2000).ok()); // pts before dts
    QVERIFY(builder.add(video(2000, false), 2000, 2000).ok());
}

QTEST_GUILESS_MAIN(TestMp4FragmentBuilder)
#include "tst_mp4fragmentbuilder.moc"
