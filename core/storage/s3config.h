#pragma once

#include "common/result.h"

#include <QHash>
#include <QString>
#include <QUrl>

namespace roomrec {

// Where and how recordings go to an S3-compatible object store (--storage s3://bucket/prefix).
// The endpoint, region and credentials never come from the command line (other users see a
// process's arguments): they come from the --config file or the environment.
struct S3Config {
    QUrl endpoint;            // http(s)://host:port of the S3 API; objects are path-style under it
    QString region = QStringLiteral("us-east-1");
    QString accessKey;
    QString secretKey;
    QString bucket;
    QString prefix;           // without leading or trailing '/'; may be empty
    qint64 partBytes = 16LL * 1024 * 1024;   // multipart part size; files above it go in parts
    qint64 maxSendBytesPerSecond = 0;        // 0: as fast as the network goes
    int urlSeconds = 300;                    // lifetime of presigned GET URLs (the 302s)
    qint64 keepLocalSeconds = 0;             // local copy after the object is verified: 0 remove, -1 keep
    int connectTimeoutSeconds = 10;
    int stallTimeoutSeconds = 60;            // a transfer with no progress this long fails

    // "s3://bucket/prefix" -> bucket and prefix; the rest stays as it is.
    Status setStorageUrl(const QString &url);
    // Fills endpoint, region and credentials: a setting of the config file (named s3-endpoint,
    // s3-region, s3-access-key, s3-secret-key) wins over the environment (ROOMREC_S3_ENDPOINT,
    // AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
    Status setConnection(const QHash<QString, QString> &fileSettings, const QHash<QString, QString> &environment);
    // The object key of a file name under the prefix.
    QString keyFor(const QString &relativeName) const;
    // http(s)://endpoint/bucket/key, each key segment percent-encoded as SigV4 wants it.
    QUrl objectUrl(const QString &key) const;
    QUrl bucketUrl() const;
    // The names of the settings only the config file (or the environment) may give.
    static QStringList fileOnlySettings();
};

} // namespace roomrec
