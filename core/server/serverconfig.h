#pragma once

#include "server/httplimits.h"
#include "storage/s3config.h"

#include <QHostAddress>
#include <QString>

#include <optional>

namespace roomrec {

struct ServerConfig {
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 7707;          // 0: any free port (tests, the desktop app's embedded server)
    QString dataDir;              // files under recordings/, catalogue in catalog.sqlite
    quint32 nodeId = 0;           // distinct per server sharing a library (file IDs)
    QString catalog;              // --catalog URL (CatalogUrl); empty: sqlite:<dataDir>/catalog.sqlite
    int catalogQueue = 256;       // catalogue requests waiting for the database; beyond: CatalogueBusy
    // Cluster mode (servers sharing a library place rooms; docs/scaling.md): the address
    // clients are redirected to for rooms this node hosts. Empty: rooms are this node's alone.
    QString publicAddress;        // "host:port" of this node's protocol port
    QString publicHttpUrl;        // base URL of this node's HTTP API as other nodes' clients reach it
    qint64 nodeTimeoutMs = 15'000; // a node silent this long loses its rooms' placement
    qint64 segmentSeconds = 3600;
    qint64 idleTimeoutMs = 60'000;
    int keyFrameTimeoutMs = 15'000; // a recording waits this long for the publisher's first key frame
    qint64 quotaBytes = 0;        // per user; 0 = unlimited
    qint64 minFreeBytes = 128LL * 1024 * 1024; // free-space floor of the data folder's disk
    qint64 recordingBacklogBytes = 32LL * 1024 * 1024; // per recording, waiting for the disk
    QByteArray secret;            // empty: no signatures (refused beyond loopback)
    int deadPeerMs = 15'000;      // a connection silent this long is dropped
    // Threads protocol connections are read, decoded and written on (NetworkThreads); 0: the
    // server's own thread. roomrec-server defaults to one per core beyond the first.
    int networkThreads = 0;
    int maxConnections = 2000;    // protocol port; beyond, new connections get ServerBusy
    int signInTimeoutMs = 10'000; // hello + signIn must be done this soon after connecting
    qint64 maxUnsentBytes = 4 * 1024 * 1024; // replies/events a client leaves unread; beyond: dropped
    // Forwarded video a subscriber leaves unread; beyond, its video is dropped up to the next
    // key frame (audio up to twice this). Well under maxUnsentBytes.
    qint64 subscriberBacklogBytes = 512 * 1024;
    bool httpEnabled = true;      // the HTTP API (docs/http-api.md), on the same address
    quint16 httpPort = 7708;      // 0: any free port
    QString webhookUrl;           // events are POSTed here (docs/http-api.md, Webhook)
    QByteArray webhookSecret;     // HMAC key of the events; empty: `secret`; both empty: unsigned
    // Retry after a failed delivery: the first wait, doubled each time up to the cap (with
    // jitter); an event still undelivered this long after it happened is given up and logged.
    qint64 webhookFirstRetryMs = 5'000;
    qint64 webhookMaxRetryMs = 10 * 60'000;
    qint64 webhookGiveUpMs = 24 * 3600'000LL;
    int webhookTimeoutMs = 30'000; // per attempt
    QString tlsCertificateFile;   // PEM; with tlsKeyFile, the protocol runs over TLS
    QString tlsKeyFile;
    // HTTP API: beyond loopback it runs over TLS (the same certificate) unless this says
    // plain HTTP is fine (a TLS-terminating proxy in front, on a private network).
    bool allowPlainHttp = false;
    // A random token the HTTP API requires (desktop app's embedded server, which has no secret).
    QByteArray httpAccessToken;
    qint64 playUrlSeconds = 6 * 3600; // lifetime of signed play URLs
    HttpLimits httpLimits;
    // --storage s3://...: finished files are uploaded there (docs/scaling.md); none: local disk.
    std::optional<S3Config> objectStorage;
    int storageRetryFirstMs = 5'000;   // after a failed upload; doubled per failure up to the max
    int storageRetryMaxMs = 5 * 60'000;
};

} // namespace roomrec
