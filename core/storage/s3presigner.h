#pragma once

#include <QDateTime>
#include <QString>
#include <QUrl>

namespace roomrec {

struct S3Config;

// Presigned GET URLs (AWS Signature Version 4, query-string authentication): the one part of
// the S3 protocol libcurl does not do for us, because the signature goes into a URL handed
// to someone else instead of into a request curl sends. Written to the letter of AWS's
// "Authenticating Requests: Using Query Parameters" and checked against its worked example
// (tst_s3presigner) and a real server (tst_objectstorage). docs/scaling.md says why.
class S3Presigner {
public:
    struct Credentials {
        QString accessKey;
        QString secretKey;
        QString region;
        QString service = QStringLiteral("s3");
    };

    // `origin`: scheme://host[:port]; `path`: the canonical URI, already encoded ("/bucket/key").
    static QUrl presignGet(const QString &origin, const QString &path, const Credentials &credentials,
                           const QDateTime &now, int expiresSeconds);
    // Path-style URL of the object `key` in the config's bucket.
    static QUrl presignGet(const S3Config &config, const QString &key, const QDateTime &now);
    // URI-encodes every byte but the unreserved ones (A-Z a-z 0-9 - _ . ~), keeping '/' in paths.
    static QString encodePath(const QString &path);
    static QString encode(const QString &value);
};

} // namespace roomrec
