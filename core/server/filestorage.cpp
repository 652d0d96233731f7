#include "server/filestorage.h"

#include "common/logging.h"
#include "server/recordingservice.h"
#include "storage/localfilestore.h"
#include "storage/s3filestore.h"

namespace roomrec {

FileStorage::FileStorage(CatalogWorker &catalog, const ServerConfig &config, QObject *parent) : QObject(parent)
{
    if (!config.objectStorage) {
        m_store = std::make_unique<LocalFileStore>();
        return;
    }
    auto s3 = std::make_unique<S3FileStore>(*config.objectStorage);
    m_uploader = std::make_unique<ObjectUploader>(catalog, *s3);
    m_uploader->setRetryDelays(config.storageRetryFirstMs, config.storageRetryMaxMs);
    m_store = std::move(s3);
    qCInfo(lcStorage).noquote() << "finished files go to" << m_store->describe();
}

FileStorage::~FileStorage()
{
    m_uploader.reset(); // before the store whose client it uses
}

void FileStorage::attach(RecordingService &recording)
{
    if (!m_uploader)
        return;
    ObjectUploader *uploader = m_uploader.get();
    // A file without post-processing is final when it is ready; with it, when it is processed
    // (the uploader checks which, so both signals can simply enqueue).
    connect(&recording, &RecordingService::fileReady, uploader, &ObjectUploader::enqueue);
    connect(&recording, &RecordingService::fileProcessed, uploader, [uploader](quint64 fileId) { uploader->enqueue(fileId); });
    uploader->resume();
}

void FileStorage::fileDeleted(const FileRecord &record)
{
    if (m_uploader)
        m_uploader->removeObjects(record);
}

} // namespace roomrec
