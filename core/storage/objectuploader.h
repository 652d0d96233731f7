#pragma once

#include "common/result.h"
#include "library/filerecord.h"
#include "storage/s3request.h"
#include "storage/s3xml.h"
#include "storage/uploadplan.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

namespace roomrec {

class Catalog;
class CatalogWorker;
class S3FileStore;

// The upload of one file under way (outside ObjectUploader: clang wants it complete there).
struct UploadJob {
    quint64 serial = 0;
    FileRecord record;
    QList<UploadPlan::Item> items;
    int item = 0;              // index into items
    qint64 size = 0;           // of the current item
    QString uploadId;          // multipart upload of the current item
    QHash<int, S3Xml::Part> listed; // parts the server already has (resumed upload)
    QList<S3Xml::Part> parts;  // parts sent or found, in order
    int partCount = 0;
};

// What a sweep of the stored files found (outside ObjectUploader, like UploadJob).
struct SweepFindings {
    QList<quint64> toUpload;      // stored, with derived outputs not uploaded yet
    QList<FileRecord> expired;    // local copies past their retention
};

// Takes finished files (and their derived outputs) to the object store, one file at a time:
// marks the file "uploading", sends each item with one PUT (small) or a multipart upload
// (larger than the part size; the upload ID is kept in the catalogue, so after a restart the
// parts the server already has are listed, checked against the local file's MD5 and not sent
// again), checks every part's ETag against the MD5 of what was sent, completes, then reads
// the object back with HEAD and compares size and ETag (the MD5, or S3's MD5 of the part
// MD5s) before the file is "stored" and its local copy removed (keepLocalSeconds).
// A failure marks the file "upload failed" with the reason and tries again later, the wait
// doubling from retryFirstMs up to retryMaxMs.
//
// Lives on the server's thread and only ever waits for nothing: requests go to S3Client's
// worker thread, catalogue jobs to the CatalogWorker's thread (the row changes of an upload
// as write()s, never refused, one upload at a time; the periodic sweep as a request()), and
// both answer as queued calls.
class ObjectUploader : public QObject {
    Q_OBJECT
public:
    ObjectUploader(CatalogWorker &catalog, S3FileStore &store, QObject *parent = nullptr);
    ~ObjectUploader() override;

    // The file may be final now (finished, post-processed): upload what of it is not stored.
    void enqueue(quint64 fileId);
    // At start: queues this server's files that are local, uploading or failed and final
    // (once the catalogue has listed them).
    void resume();
    bool isBusyWith(quint64 fileId) const;
    // After the file was deleted from the catalogue: delete its objects, abort its uploads.
    void removeObjects(const FileRecord &record);
    void setRetryDelays(int firstMs, int maxMs);

signals:
    void stored(quint64 fileId);
    void uploadFailed(quint64 fileId, const QString &reason);

private:
    void startNext();
    void picked(quint64 id, const Result<std::optional<FileRecord>> &record);
    // Changes the current job's row on the catalogue's thread; `next` runs once it is saved,
    // if the job is still the current one.
    void save(std::function<void(FileRecord &)> change, std::function<void()> next);
    void retryLater(quint64 id, int delayMs);
    void startItem();
    void putWhole();
    void createMultipart();
    void listParts(int marker);
    void sendPart(int number);
    void completeMultipart();
    void verify(const QByteArray &expectedEtag);
    void finishFile();
    void fail(const QString &reason);
    void removeLocalCopies(const QList<FileRecord> &records);
    void sweepLocalCopies();
    // Sends `request`; `next` runs with the answer if this job is still the current one.
    void send(S3Request request, std::function<void(const S3Response &)> next);
    static bool isFinal(const FileRecord &record);

    CatalogWorker &m_catalog;
    S3FileStore &m_store;
    QList<quint64> m_queue;
    std::unique_ptr<UploadJob> m_job;
    quint64 m_picking = 0;            // file whose row is being read and marked "uploading"
    bool m_sweeping = false;
    quint64 m_serial = 0;
    QHash<quint64, int> m_failures;   // file ID -> failed attempts in a row
    QHash<quint64, QTimer *> m_retries;
    int m_retryFirstMs = 5'000;
    int m_retryMaxMs = 5 * 60'000;
    QTimer m_sweep;                   // local copies kept keepLocalSeconds
};

} // namespace roomrec
