#include "serveroptions.h"
#include "configfile.h"

#include "common/hostport.h"
#include "common/idgenerator.h"
#include "library/catalogurl.h"
#include "server/networkthreads.h"

#include <QCommandLineParser>
#include <QFile>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QUrl>

using namespace roomrec;

Result<ServerConfig> ServerOptions::parse(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("RoomRec server: hosts rooms and records them to MP4."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption listen(QStringLiteral("listen"), QStringLiteral("Address to listen on (default 127.0.0.1:7707)."), QStringLiteral("HOST:PORT"), QStringLiteral("127.0.0.1:7707"));
    const QCommandLineOption data(QStringLiteral("data"), QStringLiteral("Data folder: recordings and catalogue (default: the app-data folder)."), QStringLiteral("DIR"));
    const QCommandLineOption node(QStringLiteral("node-id"), QStringLiteral("Node ID 0-1023, distinct per server sharing a library (default 0)."), QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption catalog(QStringLiteral("catalog"), QStringLiteral("The library's catalogue: sqlite:PATH (default: catalog.sqlite in the data folder) or postgresql://user@host:port/database, shared by servers with distinct --node-id (password: PGPASSWORD or ~/.pgpass, not the URL)."), QStringLiteral("URL"));
    const QCommandLineOption catalogQueue(QStringLiteral("catalog-queue"), QStringLiteral("Catalogue requests that may wait for the database at once; beyond, a request gets CatalogueBusy (default 256)."), QStringLiteral("N"), QStringLiteral("256"));
    const QCommandLineOption publicAddress(QStringLiteral("public-address"), QStringLiteral("Cluster mode (servers sharing a --catalog place rooms; docs/scaling.md): this node's protocol address as clients reach it directly; port 0: the --listen port."), QStringLiteral("HOST:PORT"));
    const QCommandLineOption publicHttp(QStringLiteral("public-http-url"), QStringLiteral("Cluster mode: this node's HTTP API as other nodes' clients reach it (default: the --public-address host, the HTTP port)."), QStringLiteral("URL"));
    const QCommandLineOption nodeTimeout(QStringLiteral("node-timeout-seconds"), QStringLiteral("Cluster mode: a node without a heartbeat this long loses its rooms' placement (default 15)."), QStringLiteral("N"), QStringLiteral("15"));
    const QCommandLineOption segment(QStringLiteral("segment-seconds"), QStringLiteral("Start a new file after this many seconds (default 3600)."), QStringLiteral("N"), QStringLiteral("3600"));
    const QCommandLineOption idle(QStringLiteral("idle-timeout-seconds"), QStringLiteral("End a recording after this long without media (default 60)."), QStringLiteral("N"), QStringLiteral("60"));
    const QCommandLineOption quota(QStringLiteral("quota-bytes"), QStringLiteral("Storage quota per user in bytes (default 0: unlimited)."), QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption secret(QStringLiteral("secret-file"), QStringLiteral("File holding the secret that user signatures are made with."), QStringLiteral("FILE"));
    const QCommandLineOption http(QStringLiteral("http-listen"), QStringLiteral("Address of the HTTP API (default: the --listen host, port 7708; 'off' to disable)."), QStringLiteral("HOST:PORT"));
    const QCommandLineOption webhook(QStringLiteral("webhook-url"), QStringLiteral("URL to POST recording events to (docs/http-api.md, Webhook)."), QStringLiteral("URL"));
    const QCommandLineOption webhookSecret(QStringLiteral("webhook-secret-file"), QStringLiteral("File holding the key webhook events are signed with (default: the --secret-file secret)."), QStringLiteral("FILE"));
    const QCommandLineOption tlsCert(QStringLiteral("tls-cert"), QStringLiteral("PEM certificate: the RoomRec protocol then runs over TLS."), QStringLiteral("FILE"));
    const QCommandLineOption tlsKey(QStringLiteral("tls-key"), QStringLiteral("PEM private key for --tls-cert."), QStringLiteral("FILE"));
    const QCommandLineOption plainHttp(QStringLiteral("allow-plain-http"), QStringLiteral("Serve the HTTP API without TLS beyond loopback (only behind a TLS-terminating proxy on a private network)."));
    const QCommandLineOption playUrl(QStringLiteral("play-url-seconds"), QStringLiteral("Lifetime of signed play URLs (default 21600)."), QStringLiteral("N"), QStringLiteral("21600"));
    const QCommandLineOption maxConnections(QStringLiteral("max-connections"), QStringLiteral("Open protocol connections at most (default 2000)."), QStringLiteral("N"), QStringLiteral("2000"));
    const QCommandLineOption networkThreads(QStringLiteral("network-threads"), QStringLiteral("Threads that read and write protocol connections besides the main one, 0-64, or 'auto': one per core beyond the first, up to 8 (default auto)."), QStringLiteral("N"), QStringLiteral("auto"));
    const QCommandLineOption httpMaxConnections(QStringLiteral("http-max-connections"), QStringLiteral("Open HTTP connections at most (default 256)."), QStringLiteral("N"), QStringLiteral("256"));
    const QCommandLineOption minFree(QStringLiteral("min-free-mb"), QStringLiteral("Free-space floor of the data disk in MiB: recordings are refused below it and end cleanly when it is reached (default 128)."), QStringLiteral("N"), QStringLiteral("128"));
    const QCommandLineOption keyFrameTimeout(QStringLiteral("key-frame-timeout-seconds"), QStringLiteral("End a recording whose publisher sends no key frame this long (default 15)."), QStringLiteral("N"), QStringLiteral("15"));
    const QCommandLineOption storage(QStringLiteral("storage"), QStringLiteral("Where finished files live: 'local' (default: the data folder) or s3://bucket/prefix, an S3-compatible object store (endpoint, region and keys: s3-endpoint, s3-region, s3-access-key, s3-secret-key in the --config file, or ROOMREC_S3_ENDPOINT, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY; never on the command line)."), QStringLiteral("URL"), QStringLiteral("local"));
    const QCommandLineOption storagePart(QStringLiteral("storage-part-mb"), QStringLiteral("Object storage: files larger than this go in multipart uploads of parts this size, in MiB, 5-512; one part is held in memory while it is sent (default 16)."), QStringLiteral("N"), QStringLiteral("16"));
    const QCommandLineOption storageKeep(QStringLiteral("storage-keep-local-seconds"), QStringLiteral("Object storage: keep the local copy this long after the upload was verified (default 0: remove it at once; -1: keep it)."), QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption storageUrl(QStringLiteral("storage-url-seconds"), QStringLiteral("Object storage: lifetime of the presigned URLs /media/ redirects to (default 300)."), QStringLiteral("N"), QStringLiteral("300"));
    const QCommandLineOption storageRate(QStringLiteral("storage-upload-kbps"), QStringLiteral("Object storage: upload at most this many kilobytes per second (default 0: no limit)."), QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption configFile(QStringLiteral("config"), QStringLiteral("Read settings from FILE, one 'name = value' per line named like these options; the command line wins."), QStringLiteral("FILE"));
    const QList<QCommandLineOption> settings{listen, data, node, catalog, catalogQueue, publicAddress, publicHttp, nodeTimeout, segment, idle, quota, secret, http, webhook, webhookSecret, tlsCert, tlsKey,
                                             plainHttp, playUrl, maxConnections, networkThreads, httpMaxConnections, keyFrameTimeout, minFree,
                                             storage, storagePart, storageKeep, storageUrl, storageRate};
    parser.addOptions(settings);
    parser.addOption(configFile);
    // The file's settings go before the command line's: an option given twice takes its
    // last value, so the command line overrides the file.
    QStringList merged = arguments;
    QHash<QString, QString> fileOnly; // object storage endpoint and keys
    if (parser.parse(arguments) && parser.isSet(configFile)) {
        QHash<QString, bool> known;
        for (const QCommandLineOption &option : settings)
            known.insert(option.names().constFirst(), !option.valueName().isEmpty());
        auto fromFile = ConfigFile::arguments(parser.value(configFile), known, S3Config::fileOnlySettings(), &fileOnly);
        if (!fromFile)
            return fromFile.error();
        merged = arguments.mid(0, 1) + fromFile.value() + arguments.mid(1);
    }
    parser.process(merged);

    ServerConfig config;
    auto address = HostPort::parse(parser.value(listen), 7707);
    if (!address)
        return address.error();
    if (!config.address.setAddress(address->host == QLatin1String("localhost") ? QStringLiteral("127.0.0.1") : address->host))
        return Error{1, QStringLiteral("--listen: '%1' is not an IP address").arg(address->host)};
    config.port = address->port;
    if (parser.value(http) == QLatin1String("off")) {
        config.httpEnabled = false;
    } else if (parser.isSet(http)) {
        auto httpAddress = HostPort::parse(parser.value(http), 7708);
        if (!httpAddress)
            return httpAddress.error();
        if (QHostAddress(httpAddress->host) != config.address)
            return Error{1, QStringLiteral("--http-listen must use the same host as --listen")};
        config.httpPort = httpAddress->port;
    }
    config.webhookUrl = parser.value(webhook);
    config.tlsCertificateFile = parser.value(tlsCert);
    config.tlsKeyFile = parser.value(tlsKey);
    if (config.tlsCertificateFile.isEmpty() != config.tlsKeyFile.isEmpty())
        return Error{1, QStringLiteral("--tls-cert and --tls-key go together")};
    config.allowPlainHttp = parser.isSet(plainHttp);
    bool numberOk = false;
    config.playUrlSeconds = parser.value(playUrl).toLongLong(&numberOk);
    if (!numberOk || config.playUrlSeconds < 10)
        return Error{1, QStringLiteral("--play-url-seconds must be at least 10")};
    config.maxConnections = parser.value(maxConnections).toInt(&numberOk);
    if (!numberOk || config.maxConnections < 1)
        return Error{1, QStringLiteral("--max-connections must be at least 1")};
    if (parser.value(networkThreads) == QLatin1String("auto")) {
        config.networkThreads = NetworkThreads::defaultCount();
    } else {
        config.networkThreads = parser.value(networkThreads).toInt(&numberOk);
        if (!numberOk || config.networkThreads < 0 || config.networkThreads > 64)
            return Error{1, QStringLiteral("--network-threads must be 0-64 or auto")};
    }
    config.httpLimits.maxConnections = parser.value(httpMaxConnections).toInt(&numberOk);
    if (!numberOk || config.httpLimits.maxConnections < 1)
        return Error{1, QStringLiteral("--http-max-connections must be at least 1")};
    const double keyFrameSeconds = parser.value(keyFrameTimeout).toDouble(&numberOk);
    if (!numberOk || keyFrameSeconds < 0.1 || keyFrameSeconds > 3600)
        return Error{1, QStringLiteral("--key-frame-timeout-seconds must be 0.1-3600")};
    config.keyFrameTimeoutMs = int(keyFrameSeconds * 1000);
    config.minFreeBytes = parser.value(minFree).toLongLong(&numberOk) * 1024 * 1024;
    if (!numberOk || config.minFreeBytes < 0)
        return Error{1, QStringLiteral("--min-free-mb must be 0 or more")};
    config.dataDir = parser.isSet(data) ? parser.value(data)
                                        : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    bool ok = false;
    config.nodeId = parser.value(node).toUInt(&ok);
    if (!ok || config.nodeId > IdGenerator::kMaxNode)
        return Error{1, QStringLiteral("--node-id must be 0-%1").arg(IdGenerator::kMaxNode)};
    if (parser.isSet(catalog)) {
        auto url = CatalogUrl::parse(parser.value(catalog));
        if (!url)
            return Error{1, QStringLiteral("--catalog: ") + url.error().message};
        config.catalog = parser.value(catalog);
    }
    config.catalogQueue = parser.value(catalogQueue).toInt(&ok);
    if (!ok || config.catalogQueue < 1 || config.catalogQueue > 1'000'000)
        return Error{1, QStringLiteral("--catalog-queue must be 1-1000000")};
    if (parser.isSet(publicAddress)) {
        auto address = HostPort::parse(parser.value(publicAddress), 0);
        if (!address || address->host.isEmpty())
            return Error{1, QStringLiteral("--public-address must be HOST:PORT")};
        config.publicAddress = address->toString();
    }
    if (parser.isSet(publicHttp)) {
        const QUrl url(parser.value(publicHttp));
        if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) || url.host().isEmpty())
            return Error{1, QStringLiteral("--public-http-url must be an http(s) URL")};
        config.publicHttpUrl = parser.value(publicHttp);
    }
    const double nodeTimeoutSeconds = parser.value(nodeTimeout).toDouble(&ok);
    if (!ok || nodeTimeoutSeconds < 1)
        return Error{1, QStringLiteral("--node-timeout-seconds must be at least 1")};
    config.nodeTimeoutMs = qint64(nodeTimeoutSeconds * 1000);
    config.segmentSeconds = parser.value(segment).toLongLong(&ok);
    if (!ok || config.segmentSeconds < 1)
        return Error{1, QStringLiteral("--segment-seconds must be at least 1")};
    const double idleSeconds = parser.value(idle).toDouble(&ok);
    if (!ok || idleSeconds < 0.1)
        return Error{1, QStringLiteral("--idle-timeout-seconds must be at least 0.1")};
    config.idleTimeoutMs = qint64(idleSeconds * 1000);
    config.quotaBytes = parser.value(quota).toLongLong(&ok);
    if (!ok || config.quotaBytes < 0)
        return Error{1, QStringLiteral("--quota-bytes must be 0 or more")};
    if (parser.isSet(secret)) {
        QFile file(parser.value(secret));
        if (!file.open(QIODevice::ReadOnly))
            return Error{1, QStringLiteral("--secret-file: %1").arg(file.errorString())};
        config.secret = file.readAll().trimmed();
        if (config.secret.size() < 16)
            return Error{1, QStringLiteral("--secret-file: the secret must be at least 16 bytes")};
    }
    if (parser.isSet(webhookSecret)) {
        QFile file(parser.value(webhookSecret));
        if (!file.open(QIODevice::ReadOnly))
            return Error{1, QStringLiteral("--webhook-secret-file: %1").arg(file.errorString())};
        config.webhookSecret = file.readAll().trimmed();
        if (config.webhookSecret.size() < 16)
            return Error{1, QStringLiteral("--webhook-secret-file: the key must be at least 16 bytes")};
    }
    if (Status s = parseStorage(parser, fileOnly, config); !s)
        return s.error();
    return config;
}

Status ServerOptions::parseStorage(const QCommandLineParser &parser, const QHash<QString, QString> &fileOnly, ServerConfig &config)
{
    const QString storage = parser.value(QStringLiteral("storage"));
    if (storage == QLatin1String("local"))
        return success();
    S3Config s3;
    if (Status s = s3.setStorageUrl(storage); !s)
        return Error{1, QStringLiteral("--storage: ") + s.error().message};
    QHash<QString, QString> environment;
    const QProcessEnvironment system = QProcessEnvironment::systemEnvironment();
    for (const QString &name : system.keys())
        environment.insert(name, system.value(name));
    if (Status s = s3.setConnection(fileOnly, environment); !s)
        return Error{1, s.error().message};
    bool ok = false;
    const qint64 partMb = parser.value(QStringLiteral("storage-part-mb")).toLongLong(&ok);
    // S3 takes parts of 5 MiB to 5 GiB; one part is read into memory while it is sent.
    if (!ok || partMb < 5 || partMb > 512)
        return Error{1, QStringLiteral("--storage-part-mb must be 5-512 (S3's smallest part is 5 MiB; a part is held in memory)")};
    s3.partBytes = partMb * 1024 * 1024;
    s3.keepLocalSeconds = parser.value(QStringLiteral("storage-keep-local-seconds")).toLongLong(&ok);
    if (!ok || s3.keepLocalSeconds < -1)
        return Error{1, QStringLiteral("--storage-keep-local-seconds must be -1 (keep), 0 (remove at once) or more")};
    s3.urlSeconds = parser.value(QStringLiteral("storage-url-seconds")).toInt(&ok);
    if (!ok || s3.urlSeconds < 1 || s3.urlSeconds > 7 * 24 * 3600)
        return Error{1, QStringLiteral("--storage-url-seconds must be 1-604800 (SigV4's limit is a week)")};
    const qint64 kbps = parser.value(QStringLiteral("storage-upload-kbps")).toLongLong(&ok);
    if (!ok || kbps < 0)
        return Error{1, QStringLiteral("--storage-upload-kbps must be 0 or more")};
    s3.maxSendBytesPerSecond = kbps * 1000;
    config.objectStorage = s3;
    return success();
}
