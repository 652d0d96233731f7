#pragma once

#include "library/filerecord.h"
#include "server/serverconfig.h"
#include "storage/filestore.h"
#include "storage/objectuploader.h"

#include <QObject>

#include <memory>

namespace roomrec {

class CatalogWorker;
class RecordingService;

// Where this server's finished files live (--storage): the local disk, or an object store
// that files are uploaded to once they are final (finished and post-processed) and that
// serves their downloads (HttpApi answers /media/ with a 302 to a presigned URL).
class FileStorage : public QObject {
    Q_OBJECT
public:
    FileStorage(CatalogWorker &catalog, const ServerConfig &config, QObject *parent = nullptr);
    ~FileStorage() override;

    // Uploads each file the recording service reports final; resumes what a previous run
    // left local, uploading or failed.
    void attach(RecordingService &recording);
    const FileStore &store() const { return *m_store; }
    // Null with the local disk.
    ObjectUploader *uploader() { return m_uploader.get(); }
    bool isBusyWith(quint64 fileId) const { return m_uploader && m_uploader->isBusyWith(fileId); }
    // The file's row is gone: its objects go too.
    void fileDeleted(const FileRecord &record);

private:
    std::unique_ptr<FileStore> m_store;
    std::unique_ptr<ObjectUploader> m_uploader; // after m_store: it uses the store's client
};

} // namespace roomrec
