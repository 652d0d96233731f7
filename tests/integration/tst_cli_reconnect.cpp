// roomrec-cli, as users run it, through a real TCP proxy that cuts its connection: `record`
// reconnects, rejoins, publishes again and resends what it captured meanwhile, so the
// recording is one file with every frame once on a constant-rate timeline; `watch`
// subscribes again and keeps writing its file, reporting the gap; a connection that does not
// come back within --reconnect-seconds (or with reconnecting off) ends the command with
// exit code 3. The server runs in this process, so the test waits for conditions (QTRY_*)
// and never blocks on the child.
#include "catalogprobe.h"
#include "frameprobe.h"
#include "mp4inspector.h"
#include "syncclient.h"
#include "testproxy.h"
#include "testserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

namespace {
constexpr int kFps = 30;
const RoomInfo kRoom{16000, 1};

// A roomrec-cli child; its stderr is collected as the test polls.
struct CliRun {
    QProcess process;
    QByteArray err;

    void start(const QStringList &arguments)
    {
        process.start(QStringLiteral(ROOMREC_CLI_BINARY), arguments);
    }
    bool said(const QByteArray &text)
    {
        err += process.readAllStandardError();
        return err.contains(text);
    }
    bool finished()
    {
        err += process.readAllStandardError();
        return process.state() == QProcess::NotRunning;
    }
    // What it said about the connection, for the log.
    void logReconnects() const
    {
        for (const QByteArray &line : err.split('\n')) {
            if (line.contains("reconnect") || line.contains("subscribing") || line.contains("error "))
                qInfo("roomrec-cli: %s", line.constData());
        }
    }
    // The number in a stderr line "<prefix><N>...", or -1.
    qint64 number(const QString &prefix) const
    {
        const auto m = QRegularExpression(QRegularExpression::escape(prefix) + QStringLiteral("(\\d+)")).match(QString::fromUtf8(err));
        return m.hasMatch() ? m.captured(1).toLongLong() : -1;
    }
};

// A server in this process and the proxy the CLI reaches it through.
struct ProxiedServer {
    QTemporaryDir dir;
    std::unique_ptr<RoomServer> server;
    std::unique_ptr<TestProxy> proxy;

    bool start()
    {
        server = startTestServer(dir.path());
        if (!server)
            return false;
        proxy = std::make_unique<TestProxy>(server->port());
        return proxy->listen();
    }
    // The network fails: every connection through the proxy drops; new ones are refused
    // until setRefusingNew(false), if stayDown.
    void cut(bool stayDown)
    {
        proxy->setRefusingNew(stayDown);
        proxy->cut();
    }
};

QStringList roomArguments(quint16 port, const QString &user)
{
    return {QStringLiteral("--server"), QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--user"), user,
            QStringLiteral("--relation-id"), QString::number(kRoom.relationId), QStringLiteral("--room-id"),
            QString::number(kRoom.roomId)};
}

QStringList recordArguments(quint16 port, const QString &name, const QString &seconds, const QString &reconnectSeconds)
{
    return QStringList{QStringLiteral("record")} + roomArguments(port, QStringLiteral("alice"))
           + QStringList{QStringLiteral("--seconds"), seconds, QStringLiteral("--name"), name, QStringLiteral("--size"),
                         QStringLiteral("320x180"), QStringLiteral("--fps"), QString::number(kFps),
                         QStringLiteral("--reconnect-seconds"), reconnectSeconds};
}
} // namespace

class TestCliReconnect : public QObject {
    Q_OBJECT
private slots:
    void recordingGoesOnAcrossACut_data();
    void recordingGoesOnAcrossACut();
    void watchKeepsWritingAfterACut();
    void aConnectionLostForGoodEndsWithExitCode3_data();
    void aConnectionLostForGoodEndsWithExitCode3();
};

void TestCliReconnect::recordingGoesOnAcrossACut_data()
{
    QTest::addColumn<int>("refusals"); // reconnect attempts the network refuses before it is back
    QTest::newRow("cut") << 0;
    // Refused attempts back off 250 ms, 500 ms, 1 s, 2 s: an outage of about 4 s of media.
    QTest::newRow("longer outage") << 4;
}

void TestCliReconnect::recordingGoesOnAcrossACut()
{
    QFETCH(int, refusals);
    if (!FrameProbe::available())
        QSKIP("ffprobe is not installed (scripts/deps.sh installs ffmpeg)");
    ProxiedServer net;
    QVERIFY(net.start());
    TestProxy &proxy = *net.proxy;

    CliRun cli;
    cli.start(recordArguments(proxy.port(), QStringLiteral("cli-cut"), QStringLiteral("4"), QStringLiteral("60")));
    QTRY_VERIFY2_WITH_TIMEOUT(cli.said("recording for"), cli.err.constData(), 30'000);
    // Some of the recording reached the server before the network fails.
    const qint64 atStart = proxy.bytesToServer();
    QTRY_VERIFY_WITH_TIMEOUT(proxy.bytesToServer() > atStart + 50'000, 30'000);
    net.cut(refusals > 0);
    QTRY_VERIFY2_WITH_TIMEOUT(cli.said("connection lost, reconnecting (attempt 1)"), cli.err.constData(), 15'000);
    QTRY_VERIFY_WITH_TIMEOUT(proxy.connectionsRefused() >= refusals, 60'000);
    proxy.setRefusingNew(false);

    QTRY_VERIFY_WITH_TIMEOUT(cli.finished(), 60'000);
    cli.logReconnects();
    QVERIFY2(cli.process.exitCode() == 0, cli.err.constData());
    QVERIFY2(cli.said(QStringLiteral("(attempt %1)").arg(refusals + 1).toUtf8()), cli.err.constData());
    QVERIFY2(cli.number(QStringLiteral("reconnected, resent ")) > 0, cli.err.constData()); // what was captured meanwhile
    QVERIFY(cli.said("the recording goes on in the same file"));
    const qint64 sent = cli.number(QStringLiteral("recorded video frames sent: "));
    QVERIFY2(sent > 4 * kFps / 2, cli.err.constData());

    const QJsonArray ids = QJsonDocument::fromJson(cli.process.readAllStandardOutput()).object().value(QStringLiteral("fileIds")).toArray();
    QCOMPARE(ids.size(), 1); // one file: the recording went on
    const auto record = catalogOf(*net.server).file(ids.first().toString().toULongLong());
    QVERIFY(record.ok());
    const QString wrong = FrameProbe::everyFrameOnce(record->storagePath, sent, kFps);
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
    qInfo("%lld frames recorded across the cut, %d connections refused", static_cast<long long>(sent), proxy.connectionsRefused());
}

void TestCliReconnect::watchKeepsWritingAfterACut()
{
    ProxiedServer net;
    QVERIFY(net.start());
    TestProxy &proxy = *net.proxy;
    // Bob publishes straight to the server, a key frame every second; the watcher goes through the proxy.
    SyncClient bob;
    QVERIFY(bob.enterAndPublish(net.server->port(), QStringLiteral("bob"), kRoom, QSize(320, 180), kFps, kFps).ok());

    const QString out = net.dir.filePath(QStringLiteral("watched.mp4"));
    const qint64 frames = 5 * kFps;
    CliRun cli;
    cli.start(QStringList{QStringLiteral("watch")} + roomArguments(proxy.port(), QStringLiteral("watcher"))
              + QStringList{QStringLiteral("--member"), QStringLiteral("bob"), QStringLiteral("--seconds"), QStringLiteral("240"),
                            QStringLiteral("--frames"), QString::number(frames), QStringLiteral("--out"), out});
    QTRY_VERIFY2_WITH_TIMEOUT(cli.said("watching bob"), cli.err.constData(), 30'000);
    // Its file grows (a fragment is written at least every second), then the network fails for
    // longer than bob's picture group, which the server would otherwise send again.
    const qint64 before = QFileInfo(out).size();
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(out).size() > before, 30'000);
    net.cut(true);
    QTRY_VERIFY2_WITH_TIMEOUT(cli.said("connection lost, reconnecting (attempt 1)"), cli.err.constData(), 15'000);
    QTRY_VERIFY_WITH_TIMEOUT(proxy.connectionsRefused() >= 3, 60'000); // 250 + 500 + 1000 ms at least
    proxy.setRefusingNew(false);
    QTRY_VERIFY2_WITH_TIMEOUT(cli.said("subscribing to bob again"), cli.err.constData(), 30'000);

    QTRY_VERIFY_WITH_TIMEOUT(cli.finished(), 120'000);
    cli.logReconnects();
    QVERIFY2(cli.process.exitCode() == 0, cli.err.constData());
    QVERIFY2(cli.said("gap after the reconnect: "), cli.err.constData());
    const QJsonObject printed = QJsonDocument::fromJson(cli.process.readAllStandardOutput()).object();
    QCOMPARE(printed.value(QStringLiteral("reconnects")).toInt(), 1);
    QVERIFY(printed.value(QStringLiteral("framesMissedInReconnects")).toInteger() > 0);
    QCOMPARE(printed.value(QStringLiteral("framesMissedInReconnects")).toInteger(), cli.number(QStringLiteral("gap after the reconnect: ")));
    QVERIFY(printed.value(QStringLiteral("gaps")).toInt() >= 1);
    QCOMPARE(printed.value(QStringLiteral("videoFrames")).toInteger(), frames);
    QCOMPARE(printed.value(QStringLiteral("framesWritten")).toInteger(), frames);

    // The file goes on across the gap: every frame written decodes, nothing twice.
    const Mp4Report mp4 = Mp4Inspector::inspect(out);
    QVERIFY2(mp4.opened, qPrintable(mp4.error));
    QCOMPARE(mp4.decodeErrors, 0);
    QCOMPARE(qint64(mp4.videoFramesDecoded), frames);
    QVERIFY(mp4.audioFramesDecoded > 0);
    if (FrameProbe::available()) {
        const FrameTimes times = FrameProbe::videoFrames(out);
        QVERIFY2(times.ok, qPrintable(times.error));
        QCOMPARE(qint64(times.pts.size()), frames);
        QCOMPARE(qint64(QSet<qint64>(times.pts.begin(), times.pts.end()).size()), frames);
    }
}

void TestCliReconnect::aConnectionLostForGoodEndsWithExitCode3_data()
{
    QTest::addColumn<QString>("reconnectSeconds");
    QTest::addColumn<QString>("said");
    QTest::newRow("reconnecting off") << "0" << "error 30000303";
    QTest::newRow("deadline") << "2" << "gave up reconnecting after 2 s";
}

void TestCliReconnect::aConnectionLostForGoodEndsWithExitCode3()
{
    QFETCH(QString, reconnectSeconds);
    QFETCH(QString, said);
    ProxiedServer net;
    QVERIFY(net.start());
    TestProxy &proxy = *net.proxy;
    CliRun cli;
    cli.start(recordArguments(proxy.port(), QStringLiteral("cli-lost"), QStringLiteral("600"), reconnectSeconds));
    QTRY_VERIFY2_WITH_TIMEOUT(cli.said("recording for"), cli.err.constData(), 30'000);
    net.cut(true); // and it stays down
    QTRY_VERIFY_WITH_TIMEOUT(cli.finished(), 30'000);
    cli.logReconnects();
    QVERIFY2(cli.said(said.toUtf8()), cli.err.right(1500).constData());
    QCOMPARE(cli.process.exitCode(), 3);
}

QTEST_GUILESS_MAIN(TestCliReconnect)
#include "tst_cli_reconnect.moc"
