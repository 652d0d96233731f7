#pragma once

#include <QDateTime>
#include <QString>
#include <QUrl>

namespace roomrec {

// Where finished recordings live. The default is this server's own disk (LocalFileStore:
// files stay where the recorder wrote them, the HTTP API serves them itself). An object store
// (S3FileStore) takes them once they are final (ObjectUploader) and serves downloads itself
// through short-lived URLs.
class FileStore {
public:
    virtual ~FileStore() = default;
    // Whether finished files are uploaded away from this server's disk.
    virtual bool isRemote() const = 0;
    // A URL anyone may GET the stored object `key` from until it expires (Range works there);
    // empty when files are served from this server's disk.
    virtual QUrl readUrl(const QString &key, const QDateTime &now) const = 0;
    // For logs: "local disk", "s3://bucket/prefix at http://host:port".
    virtual QString describe() const = 0;
};

} // namespace roomrec
