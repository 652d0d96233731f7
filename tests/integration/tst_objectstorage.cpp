// Recordings in object storage, against a real S3-compatible server: OpenStack Swift with its
// s3api middleware (Debian's packages), started by this test on loopback (SwiftServer).
#include "common/idgenerator.h"
#include "library/catalogworker.h"
#include "librarybackends.h"
#include "protocol/errorcode.h"
#include "protocol/usersignature.h"
#include "serverprocess.h"
#include "storage/objectuploader.h"
#include "storage/s3filestore.h"
#include "swiftserver.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <tuple>

using namespace roomrec;

namespace {
constexpr qint64 kPart = 5 * 1024 * 1024; // S3's (and Swift's) smallest part

QByteArray randomBytes(qint64 size)
{
    QByteArray data(size, Qt::Uninitialized);
    QRandomGenerator generator{quint32(size)};
    generator.fillRange(reinterpret_cast<quint32 *>(data.data()), size / 4);
    return data;
}

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}
} // namespace

class TstObjectStorage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void uploadVerifyRemove_data();
    void uploadVerifyRemove();
    void storeDownGivesUploadFailedThenRetries_data();
    void storeDownGivesUploadFailedThenRetries();
    void derivedOutputsGoWithTheFile();
    void serverResumesAfterKillAndRedirectsMedia();
    void clusterNodeServesAnotherNodesStoredFile();

private:
    S3Config config(const QString &prefix) const;
    S3Response call(S3Client &client, S3Request request);
    QNetworkReply *get(const QUrl &url, const QByteArray &range = {});
    FileRecord localFile(quint64 id, const QByteArray &data);

    SwiftServer m_swift;
    LibraryBackends m_backends;
    QTemporaryDir m_dir;
    QNetworkAccessManager m_network;
    quint64 m_nextId = 5000;
};

void TstObjectStorage::initTestCase()
{
    if (const QString why = SwiftServer::unavailableReason(); !why.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL(qPrintable(why));
        QSKIP(qPrintable(why));
    }
    QVERIFY2(m_swift.start(), qPrintable(m_swift.errorString()));
    QVERIFY2(m_swift.createBucket(QStringLiteral("recordings")), qPrintable(m_swift.errorString() + m_swift.logTail()));
}

S3Config TstObjectStorage::config(const QString &prefix) const
{
    S3Config c;
    c.endpoint = QUrl(m_swift.endpoint());
    c.region = SwiftServer::region();
    c.accessKey = SwiftServer::accessKey();
    c.secretKey = SwiftServer::secretKey();
    c.bucket = QStringLiteral("recordings");
    c.prefix = prefix;
    c.partBytes = kPart;
    c.connectTimeoutSeconds = 2;
    return c;
}

S3Response TstObjectStorage::call(S3Client &client, S3Request request)
{
    std::optional<S3Response> answer;
    QObject context;
    if (!client.submit(std::move(request), &context, [&answer](const S3Response &r) { answer = r; }))
        return {};
    (void)QTest::qWaitFor([&answer] { return answer.has_value(); }, 60'000);
    return answer.value_or(S3Response());
}

QNetworkReply *TstObjectStorage::get(const QUrl &url, const QByteArray &range)
{
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    if (!range.isEmpty())
        request.setRawHeader("Range", range);
    return m_network.get(request);
}

FileRecord TstObjectStorage::localFile(quint64 id, const QByteArray &data)
{
    FileRecord r;
    r.id = id;
    r.recordingId = id;
    r.name = QStringLiteral("clip");
    r.userId = QStringLiteral("alice");
    r.state = FileRecord::State::Complete;
    r.startedAt = QDateTime::currentDateTimeUtc().addSecs(-10);
    r.endedAt = QDateTime::currentDateTimeUtc();
    r.sizeBytes = data.size();
    r.storagePath = m_dir.filePath(QStringLiteral("clip-%1.mp4").arg(id));
    QFile f(r.storagePath);
    if (f.open(QIODevice::WriteOnly))
        f.write(data);
    return r;
}

void TstObjectStorage::uploadVerifyRemove_data()
{
    QTest::addColumn<QString>("backend");
    QTest::addColumn<qint64>("size");
    QTest::addColumn<int>("parts"); // 0: one PUT
    for (const QString &backend : LibraryBackends::names()) {
        QTest::addRow("%s, small", qPrintable(backend)) << backend << qint64(300 * 1024) << 0;
        QTest::addRow("%s, multipart", qPrintable(backend)) << backend << qint64(2 * kPart + 12345) << 3;
    }
}

// A final file goes up (one PUT or a multipart upload), is read back and compared, is then
// "stored" with its key, its local copy removed; the presigned URL serves it, ranges too;
// deleting it removes the object.
void TstObjectStorage::uploadVerifyRemove()
{
    QFETCH(QString, backend);
    QFETCH(qint64, size);
    QFETCH(int, parts);
    const QString url = m_backends.freshUrl(backend);
    if (url.isEmpty())
        QFAIL(qPrintable(m_backends.skipReason()));
    auto catalogUrl = CatalogUrl::parse(url);
    QVERIFY(catalogUrl);
    CatalogWorker catalog; // the uploader's catalogue jobs run on its thread, as in the server
    QVERIFY(catalog.open(catalogUrl.value(), 0));
    const QByteArray data = randomBytes(size);
    const FileRecord record = localFile(++m_nextId, data);
    QVERIFY(catalog.call([&](Catalog &c) { return c.insert(record); }));

    S3FileStore store(config(QStringLiteral("lib/") + backend));
    ObjectUploader uploader(catalog, store);
    QSignalSpy stored(&uploader, &ObjectUploader::stored);
    QSignalSpy failed(&uploader, &ObjectUploader::uploadFailed);
    uploader.enqueue(record.id);
    QTRY_COMPARE_WITH_TIMEOUT(stored.count() + failed.count(), 1, 120'000);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(1).toString()));

    auto after = catalog.call([&](Catalog &c) { return c.file(record.id); });
    QVERIFY(after);
    QCOMPARE(FileRecord::storageStateName(after->storageState), QStringLiteral("stored"));
    QCOMPARE(after->objectKey, QStringLiteral("lib/%1/%2/clip-%2.mp4").arg(backend).arg(record.id));
    QVERIFY(after->uploads.isEmpty());
    QVERIFY(after->storageError.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!QFile::exists(record.storagePath), 10'000); // removed only once verified

    S3Request head;
    head.method = "HEAD";
    head.key = after->objectKey;
    const S3Response headed = call(store.client(), head);
    QVERIFY2(headed.ok(), qPrintable(headed.describe()));
    QCOMPARE(headed.headers.value("content-length").toLongLong(), size);
    QCOMPARE(headed.headers.value("etag").endsWith(QByteArray("-%1\"").replace("%1", QByteArray::number(parts))), parts > 0);

    // What anyone with the presigned URL gets: the same bytes, and ranges of them.
    const QUrl presigned = store.readUrl(after->objectKey, QDateTime::currentDateTimeUtc());
    std::unique_ptr<QNetworkReply> whole(get(presigned));
    QTRY_VERIFY_WITH_TIMEOUT(whole->isFinished(), 60'000);
    QCOMPARE(whole->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(QCryptographicHash::hash(whole->readAll(), QCryptographicHash::Md5), QCryptographicHash::hash(data, QCryptographicHash::Md5));
    // Across the first part's end when there are parts.
    const qint64 from = parts > 0 ? kPart - 10 : size / 2;
    std::unique_ptr<QNetworkReply> range(get(presigned, "bytes=" + QByteArray::number(from) + "-" + QByteArray::number(from + 19)));
    QTRY_VERIFY_WITH_TIMEOUT(range->isFinished(), 60'000);
    QCOMPARE(range->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 206);
    QCOMPARE(range->readAll(), data.mid(from, 20));
    // A tampered URL is refused by the store.
    QUrl tampered = presigned;
    tampered.setPath(presigned.path() + QStringLiteral("x"));
    std::unique_ptr<QNetworkReply> refused(get(tampered));
    QTRY_VERIFY_WITH_TIMEOUT(refused->isFinished(), 60'000);
    QCOMPARE(refused->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 403);

    // Deleting the file deletes its object.
    QVERIFY(catalog.call([&](Catalog &c) { return c.remove(record.id); }));
    uploader.removeObjects(after.value());
    QTRY_COMPARE_WITH_TIMEOUT(call(store.client(), head).httpStatus, 404, 30'000);
}

void TstObjectStorage::storeDownGivesUploadFailedThenRetries_data()
{
    QTest::addColumn<QString>("backend");
    for (const QString &backend : LibraryBackends::names())
        QTest::newRow(qPrintable(backend)) << backend;
}

// The store is down: the file is "upload failed" with a reason that says so, its local copy
// stays, and once the store is back the retry stores it.
void TstObjectStorage::storeDownGivesUploadFailedThenRetries()
{
    QFETCH(QString, backend);
    const QString url = m_backends.freshUrl(backend);
    if (url.isEmpty())
        QFAIL(qPrintable(m_backends.skipReason()));
    CatalogWorker catalog;
    QVERIFY(catalog.open(CatalogUrl::parse(url).value(), 0));
    const QByteArray data = randomBytes(64 * 1024);
    const FileRecord record = localFile(++m_nextId, data);
    QVERIFY(catalog.call([&](Catalog &c) { return c.insert(record); }));
    S3FileStore store(config(QStringLiteral("down")));
    ObjectUploader uploader(catalog, store);
    uploader.setRetryDelays(1000, 2000);
    QSignalSpy stored(&uploader, &ObjectUploader::stored);
    QSignalSpy failed(&uploader, &ObjectUploader::uploadFailed);

    m_swift.stop();
    uploader.enqueue(record.id);
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 60'000);
    auto after = catalog.call([&](Catalog &c) { return c.file(record.id); });
    QVERIFY(after);
    QCOMPARE(FileRecord::storageStateName(after->storageState), QStringLiteral("upload failed"));
    QVERIFY2(after->storageError.contains(QStringLiteral("object store unreachable")), qPrintable(after->storageError));
    QVERIFY(QFile::exists(record.storagePath));
    QCOMPARE(stored.count(), 0);

    QVERIFY2(m_swift.start(), qPrintable(m_swift.errorString()));
    QTRY_COMPARE_WITH_TIMEOUT(stored.count(), 1, 120'000);
    after = catalog.call([&](Catalog &c) { return c.file(record.id); });
    QCOMPARE(FileRecord::storageStateName(after->storageState), QStringLiteral("stored"));
    QVERIFY(after->storageError.isEmpty());
}

// Derived outputs (cover, rendition) go to the same FILEID/ folder, each gets its objectKey;
// with --storage-keep-local-seconds -1 every local copy stays.
void TstObjectStorage::derivedOutputsGoWithTheFile()
{
    CatalogWorker catalog;
    QVERIFY(catalog.open(CatalogUrl::sqlite(m_dir.filePath(QStringLiteral("derived.sqlite"))), 0));
    FileRecord record = localFile(++m_nextId, randomBytes(200 * 1024));
    const QByteArray cover = randomBytes(20 * 1024);
    const QByteArray rendition = randomBytes(kPart + 1000); // multipart too
    QJsonArray derived;
    for (const auto &[kind, name, bytes] : {std::tuple{"cover", "cover.jpg", cover}, std::tuple{"rendition", "360p.mp4", rendition}}) {
        const QString path = m_dir.filePath(QStringLiteral("%1-%2").arg(record.id).arg(QLatin1String(name)));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
        derived << QJsonObject{{QStringLiteral("kind"), QLatin1String(kind)}, {QStringLiteral("path"), path}};
    }
    record.derived = derived;
    record.processing = {QStringLiteral("screenshot")};
    record.processingState = QStringLiteral("running 50%"); // not final yet
    QVERIFY(catalog.call([&](Catalog &c) { return c.insert(record); }));

    S3Config c = config(QStringLiteral("derived"));
    c.keepLocalSeconds = -1;
    S3FileStore store(c);
    ObjectUploader uploader(catalog, store);
    QSignalSpy stored(&uploader, &ObjectUploader::stored);
    uploader.enqueue(record.id);
    QVERIFY(catalog.call([&](Catalog &c) {
        return c.modify(record.id, [](FileRecord &r) {
            r.processingState = QStringLiteral("done");
            return success();
        });
    }));
    QCOMPARE(stored.count(), 0); // it was not final when it was enqueued: nothing went
    uploader.enqueue(record.id); // post-processing finished
    QTRY_COMPARE_WITH_TIMEOUT(stored.count(), 1, 120'000);

    auto after = catalog.call([&](Catalog &c) { return c.file(record.id); });
    QVERIFY(after);
    QCOMPARE(after->objectKey, QStringLiteral("derived/%1/clip-%1.mp4").arg(record.id));
    QCOMPARE(after->derived.at(0).toObject().value(QStringLiteral("objectKey")).toString(),
             QStringLiteral("derived/%1/%1-cover.jpg").arg(record.id));
    QCOMPARE(after->derived.at(1).toObject().value(QStringLiteral("objectKey")).toString(),
             QStringLiteral("derived/%1/%1-360p.mp4").arg(record.id));
    std::unique_ptr<QNetworkReply> got(get(store.readUrl(after->derived.at(1).toObject().value(QStringLiteral("objectKey")).toString(),
                                                         QDateTime::currentDateTimeUtc())));
    QTRY_VERIFY_WITH_TIMEOUT(got->isFinished(), 60'000);
    QCOMPARE(got->readAll(), rendition);
    // Kept: every local copy is still there.
    QVERIFY(QFile::exists(record.storagePath));
    for (const QJsonValue &v : derived)
        QVERIFY(QFile::exists(v.toObject().value(QStringLiteral("path")).toString()));
}

// The real server: a large recording (multipart) is being uploaded, slowly, when the server is
// killed with SIGKILL; started again (now with the credentials in the environment instead of
// the config file) it lists the parts the store already has, sends only the rest, verifies
// and stores the file. /media/ then answers 302 to a presigned URL that plays (ffprobe) and
// serves ranges, and deleting the file deletes the object. The keys are never in argv.
void TstObjectStorage::serverResumesAfterKillAndRedirectsMedia()
{
    QTemporaryDir data;
    const quint64 id = 4096ULL * 1000 + 7; // the file name's ID: catalogued as recovered at start
    const QString day = QDir(data.path()).filePath(QStringLiteral("recordings/") + QDate::currentDate().toString(Qt::ISODate));
    QVERIFY(QDir().mkpath(day));
    const QString mp4 = QDir(day).filePath(QStringLiteral("lecture-%1.mp4").arg(id));
    QProcess ffmpeg;
    ffmpeg.start(QStringLiteral("ffmpeg"), {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-f"), QStringLiteral("lavfi"),
                                            QStringLiteral("-i"), QStringLiteral("testsrc2=size=1280x720:rate=25"), QStringLiteral("-f"),
                                            QStringLiteral("lavfi"), QStringLiteral("-i"), QStringLiteral("sine=frequency=440:sample_rate=48000"),
                                            QStringLiteral("-t"), QStringLiteral("8"), QStringLiteral("-c:v"), QStringLiteral("libx264"),
                                            QStringLiteral("-preset"), QStringLiteral("ultrafast"), QStringLiteral("-qp"), QStringLiteral("0"),
                                            QStringLiteral("-g"), QStringLiteral("25"), QStringLiteral("-pix_fmt"), QStringLiteral("yuv420p"),
                                            QStringLiteral("-c:a"), QStringLiteral("aac"), QStringLiteral("-shortest"), mp4});
    QVERIFY(ffmpeg.waitForFinished(120'000));
    QCOMPARE(ffmpeg.exitCode(), 0);
    QFile original(mp4);
    QVERIFY(original.open(QIODevice::ReadOnly));
    const QByteArray bytes = original.readAll();
    original.close();
    QVERIFY2(bytes.size() > 2 * kPart, "the clip must take a multipart upload of at least three parts");

    const QString configPath = QDir(data.path()).filePath(QStringLiteral("server.conf"));
    QFile configFile(configPath);
    QVERIFY(configFile.open(QIODevice::WriteOnly));
    configFile.write(QStringLiteral("storage = s3://recordings/node0\ns3-endpoint = %1\ns3-access-key = %2\ns3-secret-key = %3\n"
                                    "storage-part-mb = 5\n")
                         .arg(m_swift.endpoint(), SwiftServer::accessKey(), SwiftServer::secretKey())
                         .toUtf8());
    configFile.close();
    const QString key = QStringLiteral("node0/%1/lecture-%1.mp4").arg(id);
    S3Client client(config(QString()));

    {
        ServerProcess first;
        // About 1.5 MB/s: the upload takes several seconds, time to kill it half-way.
        QVERIFY(first.start(QStringLiteral(ROOMREC_SERVER_BINARY), data.path(),
                            {QStringLiteral("--config"), configPath, QStringLiteral("--storage-upload-kbps"), QStringLiteral("1500")}));
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(first.process().processId()));
        QVERIFY(cmdline.open(QIODevice::ReadOnly));
        const QByteArray argv = cmdline.readAll();
        QVERIFY(argv.contains("--config"));
        QVERIFY(!argv.contains(SwiftServer::secretKey().toUtf8()));
        QVERIFY(!argv.contains(SwiftServer::accessKey().toUtf8()));

        // Wait for the first part to be on the server, then kill the server.
        QString uploadId;
        int partsThere = 0;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                S3Request list;
                list.query.addQueryItem(QStringLiteral("uploads"), QString());
                const S3Response uploads = call(client, list);
                const int at = uploads.body.indexOf("<Key>" + key.toUtf8() + "</Key>");
                if (at < 0)
                    return false;
                const int idStart = uploads.body.indexOf("<UploadId>", at) + 10;
                uploadId = QString::fromUtf8(uploads.body.mid(idStart, uploads.body.indexOf("</UploadId>", idStart) - idStart));
                S3Request parts;
                parts.key = key;
                parts.query.addQueryItem(QStringLiteral("uploadId"), uploadId);
                partsThere = int(S3Xml::parts(call(client, parts).body).size());
                return partsThere >= 1;
            }(),
            120'000);
        QVERIFY(partsThere < 3);
        ::kill(pid_t(first.process().processId()), SIGKILL);
        QVERIFY(first.process().waitForFinished(10'000));
        QCOMPARE(first.process().exitStatus(), QProcess::CrashExit);
    }

    // Again, the keys in the environment this time; no rate limit.
    ServerProcess second;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("ROOMREC_S3_ENDPOINT"), m_swift.endpoint());
    env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), SwiftServer::accessKey());
    env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), SwiftServer::secretKey());
    env.insert(QStringLiteral("AWS_REGION"), SwiftServer::region());
    second.process().setProcessEnvironment(env);
    const quint16 httpPort = freePort();
    QVERIFY(second.start(QStringLiteral(ROOMREC_SERVER_BINARY), data.path(),
                         {QStringLiteral("--storage"), QStringLiteral("s3://recordings/node0"), QStringLiteral("--storage-part-mb"),
                          QStringLiteral("5"), QStringLiteral("--http-listen"), QStringLiteral("127.0.0.1:%1").arg(httpPort)}));
    const QUrl api(QStringLiteral("http://127.0.0.1:%1/api/v1/files/%2").arg(httpPort).arg(id));
    QJsonObject file;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            std::unique_ptr<QNetworkReply> reply(get(api));
            (void)QTest::qWaitFor([&reply] { return reply->isFinished(); }, 30'000);
            file = QJsonDocument::fromJson(reply->readAll()).object();
            return file.value(QStringLiteral("storage")).toString() == QLatin1String("stored");
        }(),
        120'000);
    QCOMPARE(file.value(QStringLiteral("objectKey")).toString(), key);
    const QByteArray output = second.process().readAllStandardError(); // the log
    const auto resumed = QRegularExpression(QStringLiteral("resuming the multipart upload of \\S+ : (\\d+) of (\\d+) parts"))
                             .match(QString::fromUtf8(output));
    QVERIFY2(resumed.hasMatch(), output.constData());
    QVERIFY(resumed.captured(1).toInt() >= 1);
    qInfo().noquote() << "after the restart:" << resumed.captured(0);
    QTRY_VERIFY_WITH_TIMEOUT(!QFile::exists(mp4), 10'000);

    // /media/ answers with a redirect to the store, whose URL plays and serves ranges.
    std::unique_ptr<QNetworkReply> media(get(QUrl(QStringLiteral("http://127.0.0.1:%1/media/%2").arg(httpPort).arg(id))));
    QTRY_VERIFY_WITH_TIMEOUT(media->isFinished(), 30'000);
    QCOMPARE(media->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 302);
    const QUrl location = media->header(QNetworkRequest::LocationHeader).toUrl();
    QVERIFY(location.toString().startsWith(m_swift.endpoint()));
    QVERIFY(location.query().contains(QStringLiteral("X-Amz-Signature=")));
    std::unique_ptr<QNetworkReply> range(get(location, "bytes=1000-1999"));
    QTRY_VERIFY_WITH_TIMEOUT(range->isFinished(), 30'000);
    QCOMPARE(range->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 206);
    QCOMPARE(range->readAll(), bytes.mid(1000, 1000));
    QProcess probe;
    probe.start(QStringLiteral("ffprobe"), {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-count_frames"),
                                            QStringLiteral("-select_streams"), QStringLiteral("v:0"), QStringLiteral("-show_entries"),
                                            QStringLiteral("stream=codec_name,nb_read_frames"), QStringLiteral("-of"),
                                            QStringLiteral("csv=p=0"), location.toString(QUrl::FullyEncoded)});
    QVERIFY(probe.waitForFinished(120'000));
    QCOMPARE(QString::fromUtf8(probe.readAllStandardOutput()).trimmed(), QStringLiteral("h264,200"));

    // Deleting the file deletes the object.
    QNetworkRequest del(api);
    std::unique_ptr<QNetworkReply> deleted(m_network.deleteResource(del));
    QTRY_VERIFY_WITH_TIMEOUT(deleted->isFinished(), 30'000);
    QCOMPARE(deleted->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    S3Request head;
    head.method = "HEAD";
    head.key = key;
    QTRY_COMPARE_WITH_TIMEOUT(call(client, head).httpStatus, 404, 30'000);
}

// Cluster mode with object storage: /media/ of a file another node recorded is answered by
// this node with a presigned URL once the file is stored (the other node need not be up);
// a file still local to the other node is sent there (here: 503 NodeUnavailable, it is down).
void TstObjectStorage::clusterNodeServesAnotherNodesStoredFile()
{
    const QString url = m_backends.freshUrl(QStringLiteral("postgresql"));
    if (url.isEmpty())
        QFAIL(qPrintable(m_backends.skipReason()));
    const QByteArray secret = "objectstorage-cluster-secret-0123";
    const QString secretPath = m_dir.filePath(QStringLiteral("cluster-secret"));
    QFile secretFile(secretPath);
    QVERIFY(secretFile.open(QIODevice::WriteOnly));
    secretFile.write(secret);
    secretFile.close();

    // Two files of node 1 (never started here): one in the store, one only on node 1's disk.
    const quint64 base = (quint64(QDateTime::currentMSecsSinceEpoch() - IdGenerator::kEpochMs) << 22) | (1u << IdGenerator::kSequenceBits);
    const QByteArray data = randomBytes(100 * 1024);
    FileRecord stored = localFile(base + 1, data);
    stored.storageState = FileRecord::StorageState::Stored;
    stored.objectKey = QStringLiteral("cluster/%1/clip.mp4").arg(stored.id);
    const FileRecord local = localFile(base + 2, data);
    QCOMPARE(IdGenerator::nodeOf(stored.id), 1u);
    S3Client client(config(QString()));
    S3Request put;
    put.method = "PUT";
    put.key = stored.objectKey;
    put.body = data;
    const S3Response uploaded = call(client, put);
    QVERIFY2(uploaded.ok(), qPrintable(uploaded.describe()));
    {
        Catalog catalog;
        QVERIFY(catalog.open(CatalogUrl::parse(url).value(), 1));
        QVERIFY(catalog.insert(stored));
        QVERIFY(catalog.insert(local));
    }

    ServerProcess node2;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("ROOMREC_S3_ENDPOINT"), m_swift.endpoint());
    env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), SwiftServer::accessKey());
    env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), SwiftServer::secretKey());
    env.insert(QStringLiteral("AWS_REGION"), SwiftServer::region());
    node2.process().setProcessEnvironment(env);
    QTemporaryDir data2;
    const quint16 httpPort = freePort();
    QVERIFY(node2.start(QStringLiteral(ROOMREC_SERVER_BINARY), data2.path(),
                        {QStringLiteral("--catalog"), url, QStringLiteral("--node-id"), QStringLiteral("2"), QStringLiteral("--public-address"),
                         QStringLiteral("127.0.0.1:0"), QStringLiteral("--secret-file"), secretPath, QStringLiteral("--storage"),
                         QStringLiteral("s3://recordings/cluster"), QStringLiteral("--http-listen"),
                         QStringLiteral("127.0.0.1:%1").arg(httpPort)}));
    const QByteArray bearer =
        "Bearer " + UserSignature::sign(secret, QStringLiteral("alice"), QDateTime::currentDateTimeUtc().addSecs(3600), UserSignature::All);
    auto media = [&](quint64 id) {
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/media/%2").arg(httpPort).arg(id)));
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        request.setRawHeader("Authorization", bearer);
        return std::unique_ptr<QNetworkReply>(m_network.get(request));
    };

    std::unique_ptr<QNetworkReply> fromStore = media(stored.id);
    QTRY_VERIFY_WITH_TIMEOUT(fromStore->isFinished(), 30'000);
    QCOMPARE(fromStore->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 302);
    const QUrl location = fromStore->header(QNetworkRequest::LocationHeader).toUrl();
    QVERIFY2(location.toString().startsWith(m_swift.endpoint()), qPrintable(location.toString()));
    std::unique_ptr<QNetworkReply> bytes(get(location));
    QTRY_VERIFY_WITH_TIMEOUT(bytes->isFinished(), 30'000);
    QCOMPARE(bytes->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(bytes->readAll(), data);

    std::unique_ptr<QNetworkReply> onNode1 = media(local.id);
    QTRY_VERIFY_WITH_TIMEOUT(onNode1->isFinished(), 30'000);
    QCOMPARE(onNode1->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 503);
    QCOMPARE(QJsonDocument::fromJson(onNode1->readAll()).object().value(QStringLiteral("code")).toInt(), int(ErrorCode::NodeUnavailable));
}

QTEST_GUILESS_MAIN(TstObjectStorage)
#include "tst_objectstorage.moc"
