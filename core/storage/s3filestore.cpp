#include "storage/s3filestore.h"

#include "storage/s3presigner.h"

namespace roomrec {

S3FileStore::S3FileStore(const S3Config &config) : m_client(config)
{
}

QUrl S3FileStore::readUrl(const QString &key, const QDateTime &now) const
{
    return S3Presigner::presignGet(config(), key, now);
}

QString S3FileStore::describe() const
{
    return QStringLiteral("s3://%1/%2 at %3").arg(config().bucket, config().prefix, config().endpoint.toDisplayString());
}

} // namespace roomrec
