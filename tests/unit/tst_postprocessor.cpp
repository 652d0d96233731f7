// Post-processing on streams of any size (tiny, odd, very flat) and cancelled jobs: the
// watermark never writes outside the picture, screenshots and renditions of real H.264
// inputs decode at the expected (even, 4:2:0) sizes, and a job cancelled mid-transcode
// (cancelAll() or shutdown) is left pending with no output and completes on resume().
#include "mp4inspector.h"
#include "testclip.h"

#include "common/ffmpegptr.h"
#include "library/catalog.h"
#include "library/catalogworker.h"
#include "library/postprocessor.h"
#include "library/renditiontranscoder.h"
#include "library/thumbnailextractor.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>
#include <vector>

using namespace roomrec;

namespace {
// The first decoded picture of a file (MP4 or JPEG): its size and luma rows, packed.
struct Picture {
    QSize size;
    QByteArray luma;
    int at(int x, int y) const { return quint8(luma[y * size.width() + x]); }
};

Result<Picture> firstPicture(const QString &path)
{
    AVFormatContext *raw = nullptr;
    if (int err = avformat_open_input(&raw, path.toUtf8().constData(), nullptr, nullptr); err < 0)
        return Error{-1, avErrorText(err)};
    AvInputFormatContextPtr format(raw);
    if (int err = avformat_find_stream_info(raw, nullptr); err < 0)
        return Error{-1, avErrorText(err)};
    const int index = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (index < 0)
        return Error{-1, QStringLiteral("no video")};
    const AVCodec *codec = avcodec_find_decoder(raw->streams[index]->codecpar->codec_id);
    AvCodecContextPtr decoder(avcodec_alloc_context3(codec));
    avcodec_parameters_to_context(decoder.get(), raw->streams[index]->codecpar);
    if (int err = avcodec_open2(decoder.get(), codec, nullptr); err < 0)
        return Error{-1, avErrorText(err)};
    AvPacketPtr packet(av_packet_alloc());
    AvFramePtr frame(av_frame_alloc());
    bool flushed = false;
    while (true) {
        if (avcodec_receive_frame(decoder.get(), frame.get()) == 0) {
            Picture picture{QSize(frame->width, frame->height), {}};
            for (int y = 0; y < frame->height; ++y)
                picture.luma.append(reinterpret_cast<const char *>(frame->data[0] + qsizetype(y) * frame->linesize[0]), frame->width);
            return picture;
        }
        if (flushed)
            return Error{-1, QStringLiteral("no picture decoded")};
        if (av_read_frame(raw, packet.get()) >= 0) {
            if (packet->stream_index == index)
                avcodec_send_packet(decoder.get(), packet.get());
            av_packet_unref(packet.get());
        } else {
            avcodec_send_packet(decoder.get(), nullptr);
            flushed = true;
        }
    }
}

QJsonObject derivedOfKind(const QJsonArray &derived, const QString &kind)
{
    for (const QJsonValue &v : derived) {
        if (v.toObject().value(QStringLiteral("kind")).toString() == kind)
            return v.toObject();
    }
    return {};
}

QSize sizeOf(const QJsonObject &o)
{
    return QSize(o.value(QStringLiteral("width")).toInt(), o.value(QStringLiteral("height")).toInt());
}

// "running 40%" -> 40; anything else -> -1.
int runningPercent(const QString &state)
{
    static const QRegularExpression re(QStringLiteral("^running (\\d+)%$"));
    const auto m = re.match(state);
    return m.hasMatch() ? m.captured(1).toInt() : -1;
}
} // namespace

class TestPostProcessor : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { av_log_set_level(AV_LOG_ERROR); } // x264's statistics drown the test's output
    void watermarkStaysInsidePlane_data();
    void watermarkStaysInsidePlane();
    void outputSize_data();
    void outputSize();
    void oddSizes_data();
    void oddSizes();
    void cancelMidTranscodeThenResume_data();
    void cancelMidTranscodeThenResume();
};

void TestPostProcessor::watermarkStaysInsidePlane_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<QString>("text");
    const QString id = QStringLiteral("ROOMREC 18446744073709551615"); // the longest file ID
    QTest::newRow("256x18 (reported: wrote before the buffer)") << QSize(256, 18) << id;
    QTest::newRow("16x16") << QSize(16, 16) << id;
    QTest::newRow("17x31") << QSize(17, 31) << id;
    QTest::newRow("63x17") << QSize(63, 17) << id;
    QTest::newRow("64x64") << QSize(64, 64) << id;
    QTest::newRow("33x47") << QSize(33, 47) << id;
    QTest::newRow("1x1") << QSize(1, 1) << id;
    QTest::newRow("2x2") << QSize(2, 2) << QStringLiteral("ROOMREC 7");
    QTest::newRow("640x5 (shorter than a glyph)") << QSize(640, 5) << id;
    QTest::newRow("5x640 (narrower than a glyph)") << QSize(5, 640) << id;
    QTest::newRow("256x19") << QSize(256, 19) << QStringLiteral("ROOMREC 1");
    QTest::newRow("1280x721") << QSize(1280, 721) << id;
    QTest::newRow("4000x3001, big scale") << QSize(4000, 3001) << id;
}

void TestPostProcessor::watermarkStaysInsidePlane()
{
    QFETCH(QSize, size);
    QFETCH(QString, text);
    // The plane sits inside a larger buffer: guard rows above and below, guard bytes left and
    // right of every row (the linesize is wider than the picture, as FFmpeg's are). Any write
    // outside the picture changes a guard byte.
    constexpr int kGuardRows = 8, kGuardCols = 32;
    constexpr quint8 kGuard = 0x5a, kGrey = 128;
    const int linesize = size.width() + 2 * kGuardCols;
    std::vector<quint8> buffer(size_t(linesize) * (size.height() + 2 * kGuardRows), kGuard);
    quint8 *plane = buffer.data() + qsizetype(kGuardRows) * linesize + kGuardCols;
    for (int y = 0; y < size.height(); ++y)
        memset(plane + qsizetype(y) * linesize, kGrey, size_t(size.width()));
    AvFramePtr frame(av_frame_alloc());
    frame->format = AV_PIX_FMT_YUV420P;
    frame->width = size.width();
    frame->height = size.height();
    frame->data[0] = plane;
    frame->linesize[0] = linesize;

    RenditionTranscoder::drawWatermark(frame.get(), text);

    frame->data[0] = nullptr; // not owned by the frame
    int guardsHit = 0, changed = 0;
    for (int row = 0; row < size.height() + 2 * kGuardRows; ++row) {
        for (int col = 0; col < linesize; ++col) {
            const int y = row - kGuardRows, x = col - kGuardCols;
            const quint8 v = buffer[size_t(row) * linesize + col];
            const bool inside = y >= 0 && y < size.height() && x >= 0 && x < size.width();
            if (!inside && v != kGuard)
                ++guardsHit;
            if (inside && v != kGrey)
                ++changed;
        }
    }
    QCOMPARE(guardsHit, 0);
    QVERIFY2(changed > 0, "some of the watermark (box or text) is visible"); // clipped, not skipped
}

void TestPostProcessor::outputSize_data()
{
    QTest::addColumn<QSize>("input");
    QTest::addColumn<int>("height");
    QTest::addColumn<QSize>("expected");
    QTest::newRow("720p to 360p") << QSize(1280, 720) << 360 << QSize(640, 360);
    QTest::newRow("keep") << QSize(1280, 720) << 0 << QSize(1280, 720);
    QTest::newRow("no upscale") << QSize(64, 64) << 360 << QSize(64, 64);
    QTest::newRow("odd kept even") << QSize(17, 31) << 0 << QSize(16, 30);
    QTest::newRow("odd target") << QSize(64, 64) << 33 << QSize(32, 32);
    QTest::newRow("1x1") << QSize(1, 1) << 0 << QSize(2, 2);
    QTest::newRow("very tall") << QSize(16, 4000) << 360 << QSize(2, 360);
    QTest::newRow("target 1") << QSize(64, 64) << 1 << QSize(2, 2);
    QTest::newRow("empty") << QSize(0, 0) << 360 << QSize();
}

void TestPostProcessor::outputSize()
{
    QFETCH(QSize, input);
    QFETCH(int, height);
    QFETCH(QSize, expected);
    QCOMPARE(RenditionTranscoder::outputSize(input, height), expected);
}

void TestPostProcessor::oddSizes_data()
{
    QTest::addColumn<QSize>("input");
    QTest::addColumn<QSize>("kept");         // cover, full-size rendition, watermarked copy
    QTest::addColumn<int>("scaleTo");        // a rendition's asked height
    QTest::addColumn<QSize>("scaled");       // its size
    QTest::addColumn<int>("thumbHeight");    // thumbnails are 320 wide
    QTest::newRow("16x16") << QSize(16, 16) << QSize(16, 16) << 9 << QSize(8, 8) << 320;
    QTest::newRow("17x31") << QSize(17, 31) << QSize(16, 30) << 15 << QSize(8, 14) << 582;
    QTest::newRow("63x17") << QSize(63, 17) << QSize(62, 16) << 9 << QSize(30, 8) << 86;
    QTest::newRow("64x64") << QSize(64, 64) << QSize(64, 64) << 33 << QSize(32, 32) << 320;
    QTest::newRow("256x18") << QSize(256, 18) << QSize(256, 18) << 9 << QSize(114, 8) << 22;
    QTest::newRow("33x47") << QSize(33, 47) << QSize(32, 46) << 23 << QSize(16, 22) << 454;
}

void TestPostProcessor::oddSizes()
{
    QFETCH(QSize, input);
    QFETCH(QSize, kept);
    QFETCH(int, scaleTo);
    QFETCH(QSize, scaled);
    QFETCH(int, thumbHeight);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    constexpr int kFrames = 20;
    const QString clip = dir.filePath(QStringLiteral("in.mp4"));
    const Status written = TestClip::write(clip, input, kFrames, 10);
    QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().toString()));
    QCOMPARE(Mp4Inspector::inspect(clip).width, input.width()); // the input really is that size

    // Screenshot: a cover at the (even) full size and a 320-wide thumbnail, both decodable.
    auto shots = ThumbnailExtractor::extract(clip, dir.filePath(QStringLiteral("shots")), {});
    QVERIFY2(shots.ok(), qPrintable(shots.ok() ? QString() : shots.error().toString()));
    const QJsonObject cover = derivedOfKind(shots.value(), QStringLiteral("cover"));
    const QJsonObject thumb = derivedOfKind(shots.value(), QStringLiteral("thumbnail"));
    QCOMPARE(sizeOf(cover), kept);
    QCOMPARE(sizeOf(thumb), QSize(320, thumbHeight));
    for (const QJsonObject &o : {cover, thumb}) {
        auto picture = firstPicture(o.value(QStringLiteral("path")).toString());
        QVERIFY2(picture.ok(), qPrintable(picture.ok() ? QString() : picture.error().message));
        QCOMPARE(picture->size, sizeOf(o));
    }

    // Transcode at the full size, scaled down to an odd height, and with the watermark.
    struct Job { QString name; int height; QString watermark; QSize expected; };
    const QString text = QStringLiteral("ROOMREC 18446744073709551615");
    const Job jobs[] = {{QStringLiteral("kept.mp4"), 0, {}, kept},
                        {QStringLiteral("scaled.mp4"), scaleTo, {}, scaled},
                        {QStringLiteral("watermarked.mp4"), 0, text, kept}};
    for (const Job &job : jobs) {
        RenditionTranscoder::Options options;
        options.height = job.height;
        options.watermark = job.watermark;
        const QString path = dir.filePath(job.name);
        auto size = RenditionTranscoder::transcode(clip, path, options);
        QVERIFY2(size.ok(), qPrintable(job.name + (size.ok() ? QString() : size.error().toString())));
        QCOMPARE(size.value(), job.expected);
        const Mp4Report mp4 = Mp4Inspector::inspect(path);
        QVERIFY2(mp4.opened, qPrintable(mp4.error));
        QCOMPARE(QSize(mp4.width, mp4.height), job.expected);
        QCOMPARE(mp4.decodeErrors, 0);
        QCOMPARE(mp4.videoFramesDecoded, kFrames);
    }

    // The watermark is really there: the watermarked copy's first picture differs clearly
    // (the darkened box, the bright text) from the same picture without it.
    auto plain = firstPicture(dir.filePath(QStringLiteral("kept.mp4")));
    auto marked = firstPicture(dir.filePath(QStringLiteral("watermarked.mp4")));
    QVERIFY(plain.ok() && marked.ok());
    QCOMPARE(marked->size, plain->size);
    int different = 0;
    for (int y = 0; y < kept.height(); ++y) {
        for (int x = 0; x < kept.width(); ++x)
            different += qAbs(plain->at(x, y) - marked->at(x, y)) > 40;
    }
    QVERIFY2(different >= 4, qPrintable(QString::number(different)));
}

void TestPostProcessor::cancelMidTranscodeThenResume_data()
{
    QTest::addColumn<bool>("shutdown"); // true: by destroying the processor; false: cancelAll()
    QTest::newRow("cancelAll") << false;
    QTest::newRow("shutdown") << true;
}

void TestPostProcessor::cancelMidTranscodeThenResume()
{
    QFETCH(bool, shutdown);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // Long enough that the transcode is still running when the test sees it at 10-80%.
    constexpr int kFrames = 500;
    const QString clip = dir.filePath(QStringLiteral("42.mp4"));
    const Status written = TestClip::write(clip, QSize(640, 480), kFrames, 25);
    QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().toString()));
    // The catalogue on its own thread, as in the server; the test reads it through call().
    CatalogWorker catalog;
    QVERIFY(catalog.open(CatalogUrl::sqlite(dir.filePath(QStringLiteral("catalog.sqlite"))), 0).ok());
    auto file42 = [&] { return catalog.call([](Catalog &c) { return c.file(42); }); };
    FileRecord record;
    record.id = 42;
    record.recordingId = 42;
    record.name = QStringLiteral("lesson");
    record.userId = QStringLiteral("alice");
    record.startedAt = QDateTime::currentDateTimeUtc();
    record.state = FileRecord::State::Complete;
    record.storagePath = clip;
    record.processing = {QStringLiteral("screenshot"), QStringLiteral("transcode")};
    QVERIFY(catalog.call([&](Catalog &c) { return c.insert(record); }).ok());
    const QString outputDir = dir.filePath(QStringLiteral("42"));
    auto outputFiles = [&] { return QDir(outputDir).entryList(QDir::Files); }; // read afresh each time
    auto state = [&] { return file42()->processingState; };

    int processed = 0;
    auto processor = std::make_unique<PostProcessor>(catalog);
    connect(processor.get(), &PostProcessor::processed, this, [&] { ++processed; });
    processor->enqueue(42);
    // Screenshots are done and the transcode is under way (its first progress is 10%).
    QTRY_VERIFY_WITH_TIMEOUT(runningPercent(state()) >= 10, 120'000);
    QVERIFY2(runningPercent(state()) <= 80, qPrintable(state())); // else the clip is too short to test this
    QVERIFY(outputFiles().contains(QStringLiteral("cover.jpg")));

    const QString stateBefore = state();
    QElapsedTimer cancelling;
    cancelling.start();
    if (shutdown)
        processor.reset();
    else
        processor->cancelAll();
    const qint64 cancelMs = cancelling.elapsed();

    QCOMPARE(state(), QStringLiteral("pending"));
    QVERIFY(file42()->derived.isEmpty());
    QCOMPARE(processed, 0);
    // No half-written rendition, and no screenshots that no catalogue entry points at.
    QVERIFY2(outputFiles().isEmpty(), qPrintable(outputFiles().join(QLatin1Char(' '))));

    // The next start (or a later resume) runs the whole job again, to its end.
    if (shutdown) {
        processor = std::make_unique<PostProcessor>(catalog);
        connect(processor.get(), &PostProcessor::processed, this, [&] { ++processed; });
    }
    QElapsedTimer full;
    full.start();
    QSignalSpy resumed(processor.get(), &PostProcessor::resumed);
    processor->resume();
    QTRY_COMPARE_WITH_TIMEOUT(resumed.size(), 1, 10'000);
    QCOMPARE(resumed.first().first().toInt(), 1);
    // processed comes once the final state is in the catalogue.
    QTRY_COMPARE_WITH_TIMEOUT(processed, 1, 120'000);
    const qint64 fullMs = full.elapsed();
    QCOMPARE(state(), QStringLiteral("done"));
    const FileRecord done = file42().value();
    const QJsonObject rendition = derivedOfKind(done.derived, QStringLiteral("rendition"));
    QCOMPARE(sizeOf(rendition), QSize(480, 360));
    QVERIFY(!derivedOfKind(done.derived, QStringLiteral("cover")).isEmpty());
    const Mp4Report mp4 = Mp4Inspector::inspect(rendition.value(QStringLiteral("path")).toString());
    QVERIFY2(mp4.opened, qPrintable(mp4.error));
    QCOMPARE(mp4.height, 360);
    QCOMPARE(mp4.decodeErrors, 0);
    QCOMPARE(mp4.videoFramesDecoded, kFrames);
    qInfo("cancel at %s took %lld ms; the whole job %lld ms", qPrintable(stateBefore), cancelMs, fullMs);
    // Cancelling stopped the job within a few frames, not at the end of the transcode (at
    // least a fifth of which was still to do).
    QVERIFY2(cancelMs * 10 < fullMs, qPrintable(QStringLiteral("cancel %1 ms, full job %2 ms").arg(cancelMs).arg(fullMs)));
}

QTEST_GUILESS_MAIN(TestPostProcessor)
#include "tst_postprocessor.moc"
