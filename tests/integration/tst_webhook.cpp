// The webhook (docs/http-api.md, Webhook), against a local receiver: the four events of a
// recording with post-processing arrive in order, signed and with unique IDs; a receiver
// that fails at first gets the event later (backoff); an event given up on does not block
// the next; and events a server could not deliver before it stopped arrive after a restart.
#include "syncclient.h"
#include "catalogprobe.h"
#include "testserver.h"

#include "server/webhookoutbox.h"

#include <QFileInfo>
#include <QHttpServer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

namespace {
const QByteArray kKey = "webhook-test-key-0123456789";

// A backend's webhook endpoint: records what arrives; answers 500 to the first `failFirst`
// requests (or to all while `alwaysFail`), 200 after.
class HookReceiver {
public:
    struct Hook {
        QByteArray body;
        QJsonObject json;
        QByteArray event, eventId, signature;
        int attempt = 0;
        qint64 atMs = 0;
    };

    HookReceiver()
    {
        m_clock.start();
        m_http.route(QStringLiteral("/hook"), QHttpServerRequest::Method::Post, [this](const QHttpServerRequest &r) {
            Hook hook{r.body(), QJsonDocument::fromJson(r.body()).object(), r.value("X-RoomRec-Event"),
                      r.value("X-RoomRec-Event-Id"), r.value("X-RoomRec-Signature"),
                      r.value("X-RoomRec-Delivery-Attempt").toInt(), m_clock.elapsed()};
            const bool fail = alwaysFail || failFirst > 0;
            if (failFirst > 0)
                --failFirst;
            (fail ? refused : accepted) << hook;
            return QHttpServerResponse(fail ? QHttpServerResponder::StatusCode::InternalServerError
                                            : QHttpServerResponder::StatusCode::Ok);
        });
    }
    quint16 listen(quint16 port = 0) { return m_http.listen(QHostAddress::LocalHost, port); }
    QStringList acceptedEvents() const
    {
        QStringList names;
        for (const Hook &h : accepted)
            names << h.json.value(QStringLiteral("event")).toString();
        return names;
    }

    int failFirst = 0;
    bool alwaysFail = false;
    QList<Hook> accepted;
    QList<Hook> refused;

private:
    QHttpServer m_http;
    QElapsedTimer m_clock;
};

QString hookUrl(quint16 port)
{
    return QStringLiteral("http://127.0.0.1:%1/hook").arg(port);
}

ServerConfig webhookConfig(quint16 port)
{
    ServerConfig config;
    config.webhookUrl = hookUrl(port);
    config.webhookSecret = kKey;
    config.webhookFirstRetryMs = 100; // quick retries, so the tests are quick
    config.webhookMaxRetryMs = 400;
    return config;
}

// What a receiver does to check an event: HMAC-SHA256 of the raw body with the shared key.
QByteArray expectedSignature(const QByteArray &body)
{
    return "sha256=" + QMessageAuthenticationCode::hash(body, kKey, QCryptographicHash::Sha256).toHex();
}

qint64 fileSizeOnDisk(RoomServer &server, const QString &name)
{
    FileFilter filter;
    filter.name = name;
    auto files = catalogOf(server).files(filter);
    return files && !files->isEmpty() ? QFileInfo(files->first().storagePath).size() : 0;
}
} // namespace

class TestWebhook : public QObject {
    Q_OBJECT
private slots:
    void retryDelay_data();
    void retryDelay();
    void eventsOfARecordingArriveInOrderSigned();
    void failingReceiverGetsTheEventLater();
    void givenUpEventDoesNotBlockTheNext();
    void restartDeliversWhatWasLeft();

private:
    // Records about a second and a half of test pattern (real media: post-processing needs it).
    // ids: the file IDs of the stop (empty on failure, which is reported).
    void record(RoomServer &server, const QString &name, bool screenshot, QStringList &ids);
};

void TestWebhook::record(RoomServer &server, const QString &name, bool screenshot, QStringList &ids)
{
    SyncClient alice;
    const RoomInfo room{4200, 1};
    QVERIFY(alice.enterAndPublish(server.port(), QStringLiteral("alice"), room).ok());
    RecordParam param = SyncClient::param(name);
    param.screenshot = screenshot;
    QVERIFY(alice.startRecording(room, param).ok());
    // Fragments are flushed at least every second: wait until there is real media on disk.
    QTRY_VERIFY_WITH_TIMEOUT(fileSizeOnDisk(server, name) > 150'000, 20'000);
    auto stopped = alice.stopRecording(room);
    QVERIFY(stopped.ok());
    ids = stopped.value();
}

void TestWebhook::retryDelay_data()
{
    QTest::addColumn<int>("failures");
    QTest::addColumn<double>("jitter");
    QTest::addColumn<qint64>("expectedMs");
    // first 1 s, cap 8 s: 1, 2, 4, 8, 8 ... scaled into [50%, 100%] by the jitter.
    QTest::newRow("first failure, no jitter") << 1 << 0.999999 << qint64(999);
    QTest::newRow("first failure, most jitter") << 1 << 0.0 << qint64(500);
    QTest::newRow("second failure doubles") << 2 << 0.999999 << qint64(1999);
    QTest::newRow("third failure") << 3 << 0.5 << qint64(3000);
    QTest::newRow("capped") << 4 << 0.999999 << qint64(7999);
    QTest::newRow("stays capped") << 60 << 0.0 << qint64(4000);
}

void TestWebhook::retryDelay()
{
    QFETCH(int, failures);
    QFETCH(double, jitter);
    QFETCH(qint64, expectedMs);
    WebhookOutbox::Policy policy;
    policy.firstRetryMs = 1000;
    policy.maxRetryMs = 8000;
    QCOMPARE(WebhookOutbox::retryDelayMs(failures, policy, jitter), expectedMs);
}

void TestWebhook::eventsOfARecordingArriveInOrderSigned()
{
    HookReceiver receiver;
    const quint16 hookPort = receiver.listen();
    QVERIFY(hookPort);
    QTemporaryDir dir;
    auto server = startTestServer(dir.path(), webhookConfig(hookPort));
    QVERIFY(server);
    QStringList ids;
    record(*server, QStringLiteral("hooked"), true, ids);
    QCOMPARE(ids.size(), 1);
    server->waitForPostProcessing();

    QTRY_COMPARE_WITH_TIMEOUT(receiver.accepted.size(), 4, 20'000);
    QCOMPARE(receiver.acceptedEvents(),
             (QStringList{"recording.started", "file.ready", "recording.ended", "processing.done"}));
    QSet<QByteArray> eventIds;
    for (const HookReceiver::Hook &hook : std::as_const(receiver.accepted)) {
        QCOMPARE(hook.signature, expectedSignature(hook.body));
        QCOMPARE(hook.eventId, hook.json.value(QStringLiteral("eventId")).toString().toUtf8());
        QCOMPARE(hook.event, hook.json.value(QStringLiteral("event")).toString().toUtf8());
        QCOMPARE(hook.attempt, 1);
        QVERIFY(!hook.eventId.isEmpty());
        eventIds.insert(hook.eventId);
        QCOMPARE(hook.json.value(QStringLiteral("userId")).toString(), QStringLiteral("alice"));
    }
    QCOMPARE(eventIds.size(), 4);

    const FileRecord record = catalogOf(*server).file(ids.first().toULongLong()).value();
    const qint64 realSize = QFileInfo(record.storagePath).size();
    const QJsonObject started = receiver.accepted[0].json;
    QCOMPARE(started.value(QStringLiteral("recordingId")).toString(), QString::number(record.recordingId));
    QCOMPARE(started.value(QStringLiteral("param")).toObject().value(QStringLiteral("fileName")).toString(), QStringLiteral("hooked"));
    QCOMPARE(started.value(QStringLiteral("roomId")).toInt(), 1);
    // file.ready: after finalization, with the size of the file as it is on disk now.
    const QJsonObject ready = receiver.accepted[1].json;
    QCOMPARE(ready.value(QStringLiteral("fileId")).toString(), ids.first());
    QCOMPARE(qint64(ready.value(QStringLiteral("sizeBytes")).toDouble()), realSize);
    QCOMPARE(record.sizeBytes, realSize);
    QCOMPARE(ready.value(QStringLiteral("file")).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("complete"));
    const QJsonObject ended = receiver.accepted[2].json;
    QCOMPARE(ended.value(QStringLiteral("reason")).toString(), QStringLiteral("stopped"));
    QCOMPARE(ended.value(QStringLiteral("code")).toInt(), 0);
    QCOMPARE(ended.value(QStringLiteral("fileIds")).toArray(), QJsonArray::fromStringList(ids));
    QCOMPARE(qint64(ended.value(QStringLiteral("files")).toArray().first().toObject().value(QStringLiteral("sizeBytes")).toDouble()), realSize);
    const QJsonObject processed = receiver.accepted[3].json;
    QCOMPARE(processed.value(QStringLiteral("fileId")).toString(), ids.first());
    QCOMPARE(processed.value(QStringLiteral("state")).toString(), QStringLiteral("done"));
    QStringList kinds;
    for (const QJsonValue &v : processed.value(QStringLiteral("derived")).toArray())
        kinds << v.toObject().value(QStringLiteral("kind")).toString();
    QVERIFY2(kinds.contains(QStringLiteral("cover")) && kinds.contains(QStringLiteral("thumbnail")), qPrintable(kinds.join(',')));
}

void TestWebhook::failingReceiverGetsTheEventLater()
{
    HookReceiver receiver;
    receiver.failFirst = 3;
    const quint16 hookPort = receiver.listen();
    QVERIFY(hookPort);
    QTemporaryDir dir;
    auto server = startTestServer(dir.path(), webhookConfig(hookPort));
    QVERIFY(server);
    QVERIFY(server->webhooks());
    auto first = server->webhooks()->enqueue(QStringLiteral("test.first"), {{QStringLiteral("n"), 1}});
    auto second = server->webhooks()->enqueue(QStringLiteral("test.second"), {{QStringLiteral("n"), 2}});
    QVERIFY(first && second);

    QTRY_COMPARE_WITH_TIMEOUT(receiver.accepted.size(), 2, 10'000);
    // The first event was refused three times, then delivered; the second waited its turn.
    QCOMPARE(receiver.acceptedEvents(), (QStringList{"test.first", "test.second"}));
    QCOMPARE(receiver.refused.size(), 3);
    QList<HookReceiver::Hook> attempts = receiver.refused;
    attempts << receiver.accepted.first();
    for (int i = 0; i < attempts.size(); ++i) {
        QCOMPARE(attempts[i].eventId, first.value().toUtf8()); // the same event every time
        QCOMPARE(attempts[i].body, attempts[0].body);
        QCOMPARE(attempts[i].signature, expectedSignature(attempts[i].body));
        QCOMPARE(attempts[i].attempt, i + 1);
    }
    // Backoff: 100, 200, 400 ms (capped), each scaled into [50%, 100%]; timers may be coarse
    // by 5%, so 45% of the nominal wait is the least that may pass.
    const qint64 nominal[] = {100, 200, 400};
    for (int i = 1; i < attempts.size(); ++i) {
        const qint64 gap = attempts[i].atMs - attempts[i - 1].atMs;
        QVERIFY2(gap >= nominal[i - 1] * 45 / 100, qPrintable(QStringLiteral("gap %1: %2 ms").arg(i).arg(gap)));
    }
    QCOMPARE(receiver.accepted[1].attempt, 1);
    QCOMPARE(receiver.accepted[1].eventId, second.value().toUtf8());
}

void TestWebhook::givenUpEventDoesNotBlockTheNext()
{
    HookReceiver receiver;
    receiver.alwaysFail = true;
    const quint16 hookPort = receiver.listen();
    QVERIFY(hookPort);
    QTemporaryDir dir;
    ServerConfig config = webhookConfig(hookPort);
    config.webhookGiveUpMs = 300;
    auto server = startTestServer(dir.path(), config);
    QVERIFY(server);
    QSignalSpy gaveUp(server->webhooks(), &WebhookOutbox::gaveUp);
    auto doomed = server->webhooks()->enqueue(QStringLiteral("test.doomed"), {});
    QVERIFY(doomed);
    QTRY_COMPARE_WITH_TIMEOUT(gaveUp.size(), 1, 10'000);
    QCOMPARE(gaveUp.first().first().toString(), doomed.value());
    QVERIFY(receiver.refused.size() >= 2); // it was retried before being given up
    receiver.alwaysFail = false;
    auto next = server->webhooks()->enqueue(QStringLiteral("test.next"), {});
    QVERIFY(next);
    QTRY_COMPARE_WITH_TIMEOUT(receiver.acceptedEvents(), QStringList{QStringLiteral("test.next")}, 10'000);
}

void TestWebhook::restartDeliversWhatWasLeft()
{
    // A port nothing listens on: the receiver is down while the first server runs.
    quint16 hookPort = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        hookPort = probe.serverPort();
    }
    QTemporaryDir dir;
    QStringList ids;
    {
        auto server = startTestServer(dir.path(), webhookConfig(hookPort));
        QVERIFY(server);
        record(*server, QStringLiteral("left-behind"), false, ids);
        QCOMPARE(ids.size(), 1);
        server->waitForFinalizedFiles();
    }
    HookReceiver receiver;
    QCOMPARE(receiver.listen(hookPort), hookPort);
    auto server = startTestServer(dir.path(), webhookConfig(hookPort));
    QVERIFY(server);
    QTRY_COMPARE_WITH_TIMEOUT(receiver.accepted.size(), 3, 20'000);
    QCOMPARE(receiver.acceptedEvents(), (QStringList{"recording.started", "file.ready", "recording.ended"}));
    // The first server tried the oldest event (the others wait their turn) and failed.
    QVERIFY(receiver.accepted[0].attempt > 1);
    QSet<QByteArray> eventIds;
    for (const HookReceiver::Hook &hook : std::as_const(receiver.accepted)) {
        QCOMPARE(hook.signature, expectedSignature(hook.body));
        eventIds.insert(hook.eventId);
    }
    QCOMPARE(eventIds.size(), 3);
    QCOMPARE(receiver.accepted[2].json.value(QStringLiteral("fileIds")).toArray(), QJsonArray::fromStringList(ids));
}

QTEST_MAIN(TestWebhook)
#include "tst_webhook.moc"
