#pragma once

#include "storage/filestore.h"
#include "storage/s3client.h"
#include "storage/s3config.h"

namespace roomrec {

// An S3-compatible object store: downloads are presigned GET URLs (S3Presigner); uploads and
// deletes go through the store's S3Client (its own worker thread).
class S3FileStore : public FileStore {
public:
    explicit S3FileStore(const S3Config &config);

    bool isRemote() const override { return true; }
    QUrl readUrl(const QString &key, const QDateTime &now) const override;
    QString describe() const override;

    const S3Config &config() const { return m_client.config(); }
    S3Client &client() { return m_client; }

private:
    S3Client m_client;
};

} // namespace roomrec
