// Post-processing asked for with the RecordParam flags runs for real once the file is
// finished: screenshots (cover + thumbnails as JPEG), a 360p rendition, a watermark.
#include "mp4inspector.h"
#include "syncclient.h"
#include "catalogprobe.h"
#include "testserver.h"

#include "common/ffmpegptr.h"
#include "library/renditiontranscoder.h"

#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

class TestPostProcessing : public QObject {
    Q_OBJECT
private slots:
    void flags_data();
    void flags();
    void watermarkIsDrawnBottomRight();
};

void TestPostProcessing::flags_data()
{
    QTest::addColumn<bool>("transcode");
    QTest::addColumn<bool>("screenshot");
    QTest::addColumn<bool>("watermark");
    QTest::addColumn<QStringList>("kinds");
    QTest::addColumn<int>("renditionHeight"); // 0: none
    QTest::newRow("nothing asked") << false << false << false << QStringList{} << 0;
    QTest::newRow("screenshot") << false << true << false << QStringList{"cover", "thumbnail"} << 0;
    QTest::newRow("transcode") << true << false << false << QStringList{"rendition"} << 360;
    QTest::newRow("watermark only") << false << false << true << QStringList{"rendition"} << 720;
    QTest::newRow("all three") << true << true << true << QStringList{"cover", "thumbnail", "rendition"} << 360;
}

void TestPostProcessing::flags()
{
    QFETCH(bool, transcode);
    QFETCH(bool, screenshot);
    QFETCH(bool, watermark);
    QFETCH(QStringList, kinds);
    QFETCH(int, renditionHeight);
    QTemporaryDir dir;
    auto server = startTestServer(dir.path());
    QVERIFY(server);
    SyncClient alice;
    const RoomInfo room{1, 1};
    QVERIFY(alice.enterAndPublish(server->port(), QStringLiteral("alice"), room, QSize(1280, 720), 30, 60).ok());
    RecordParam param = SyncClient::param(QStringLiteral("processed"));
    param.transcode = transcode;
    param.screenshot = screenshot;
    param.watermark = watermark;
    QVERIFY(alice.startRecording(room, param).ok());
    QTest::qWait(2500);
    auto ids = alice.stopRecording(room);
    QVERIFY(ids.ok());
    server->waitForPostProcessing();
    QTRY_VERIFY_WITH_TIMEOUT(kinds.isEmpty() || catalogOf(*server).file(ids->first().toULongLong())->processingState == QLatin1String("done"), 60'000);
    const FileRecord record = catalogOf(*server).file(ids->first().toULongLong()).value();
    QCOMPARE(record.processingState, kinds.isEmpty() ? QString() : QStringLiteral("done"));
    QStringList seen;
    for (const QJsonValue &v : record.derived) {
        const QJsonObject o = v.toObject();
        const QString kind = o.value(QStringLiteral("kind")).toString();
        if (!seen.contains(kind))
            seen << kind;
        const QString path = o.value(QStringLiteral("path")).toString();
        QVERIFY2(QFile::exists(path), qPrintable(path));
        if (kind == QLatin1String("rendition")) {
            const Mp4Report mp4 = Mp4Inspector::inspect(path);
            QVERIFY2(mp4.opened, qPrintable(mp4.error));
            QCOMPARE(mp4.height, renditionHeight);
            QCOMPARE(mp4.audioStreams, 1); // the audio is kept
            QCOMPARE(mp4.decodeErrors, 0);
            QVERIFY(qAbs(mp4.durationSeconds - record.durationUs / 1e6) < 0.3);
        } else {
            QFile jpeg(path);
            QVERIFY(jpeg.open(QIODevice::ReadOnly));
            QVERIFY(jpeg.read(2) == QByteArray("\xff\xd8", 2)); // a JPEG
            AVFormatContext *raw = nullptr;
            QCOMPARE(avformat_open_input(&raw, path.toUtf8().constData(), nullptr, nullptr), 0);
            AvInputFormatContextPtr image(raw);
            QVERIFY(avformat_find_stream_info(raw, nullptr) >= 0);
            QCOMPARE(raw->streams[0]->codecpar->width, o.value(QStringLiteral("width")).toInt());
        }
    }
    std::sort(seen.begin(), seen.end());
    std::sort(kinds.begin(), kinds.end());
    QCOMPARE(seen, kinds);
}

void TestPostProcessing::watermarkIsDrawnBottomRight()
{
    AvFramePtr frame(av_frame_alloc());
    frame->format = AV_PIX_FMT_YUV420P;
    frame->width = 640;
    frame->height = 360;
    QVERIFY(av_frame_get_buffer(frame.get(), 0) >= 0);
    for (int y = 0; y < 360; ++y)
        memset(frame->data[0] + y * frame->linesize[0], 128, 640);
    RenditionTranscoder::drawWatermark(frame.get(), QStringLiteral("ROOMREC 42"));
    int changedTopLeft = 0, changedBottomRight = 0;
    for (int y = 0; y < 360; ++y) {
        for (int x = 0; x < 640; ++x) {
            if (frame->data[0][y * frame->linesize[0] + x] != 128)
                ++(x > 320 && y > 300 ? changedBottomRight : changedTopLeft);
        }
    }
    QCOMPARE(changedTopLeft, 0);
    QVERIFY(changedBottomRight > 500);
}

QTEST_GUILESS_MAIN(TestPostProcessing)
#include "tst_postprocessing.moc"
