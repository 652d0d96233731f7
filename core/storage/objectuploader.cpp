#include "storage/objectuploader.h"

#include "common/logging.h"
#include "library/catalogworker.h"
#include "protocol/errorcode.h"
#include "storage/s3filestore.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QJsonObject>

#include <algorithm>

namespace roomrec {

namespace {
QByteArray etagOf(const S3Response &response)
{
    QByteArray etag = response.headers.value("etag").trimmed().toLower();
    if (etag.startsWith('"'))
        etag.remove(0, 1);
    if (etag.endsWith('"'))
        etag.chop(1);
    return etag;
}

// S3's ETag of a multipart object: the MD5 of the parts' binary MD5s, "-", the part count.
QByteArray multipartEtag(const QList<S3Xml::Part> &parts)
{
    QByteArray digests;
    for (const S3Xml::Part &p : parts)
        digests += QByteArray::fromHex(p.etag);
    return QCryptographicHash::hash(digests, QCryptographicHash::Md5).toHex() + '-' + QByteArray::number(parts.size());
}
} // namespace

ObjectUploader::ObjectUploader(CatalogWorker &catalog, S3FileStore &store, QObject *parent)
    : QObject(parent), m_catalog(catalog), m_store(store)
{
    const qint64 keep = m_store.config().keepLocalSeconds;
    if (keep > 0) {
        // Often enough that a copy outlives its retention by at most a tenth of it (or an hour).
        m_sweep.setInterval(int(std::clamp<qint64>(keep * 100, 1000, 3600000)));
        connect(&m_sweep, &QTimer::timeout, this, &ObjectUploader::sweepLocalCopies);
        m_sweep.start();
    }
}

ObjectUploader::~ObjectUploader() = default;

void ObjectUploader::setRetryDelays(int firstMs, int maxMs)
{
    m_retryFirstMs = firstMs;
    m_retryMaxMs = maxMs;
}

bool ObjectUploader::isFinal(const FileRecord &record)
{
    if (record.state != FileRecord::State::Complete && record.state != FileRecord::State::Recovered)
        return false;
    return record.processingState != QLatin1String("pending") && !record.processingState.startsWith(QLatin1String("running"));
}

void ObjectUploader::enqueue(quint64 fileId)
{
    // A file being picked is queued again: what made it final may have come after the read.
    if (m_queue.contains(fileId) || (m_job && m_job->record.id == fileId))
        return;
    if (QTimer *retry = m_retries.take(fileId))
        retry->deleteLater();
    m_queue << fileId;
    startNext();
}

void ObjectUploader::resume()
{
    // A write, not a request: never refused (a refused resume would leave the files local
    // until the next start), and there is one per start.
    using States = FileRecord::StorageState;
    m_catalog.write<Result<QList<quint64>>>(
        [](Catalog &catalog) -> Result<QList<quint64>> {
            QList<quint64> ids;
            for (auto state : {States::Uploading, States::UploadFailed, States::Local}) {
                auto files = catalog.inStorageState(state);
                if (!files)
                    return files.error();
                for (const FileRecord &r : files.value()) {
                    if (isFinal(r))
                        ids << r.id;
                }
            }
            return ids;
        },
        this,
        [this](const Result<QList<quint64>> &ids) {
            if (!ids) {
                qCWarning(lcStorage).noquote() << "cannot list files to upload:" << ids.error().toString();
                return;
            }
            if (!ids->isEmpty())
                qCInfo(lcStorage) << "uploading" << ids->size() << "file(s) left local by an earlier run";
            for (quint64 id : ids.value())
                enqueue(id);
        });
    // Stored files whose derived outputs came later, and local copies past their retention.
    sweepLocalCopies();
}

bool ObjectUploader::isBusyWith(quint64 fileId) const
{
    return (m_job && m_job->record.id == fileId) || m_picking == fileId;
}

void ObjectUploader::startNext()
{
    if (m_job || m_picking || m_queue.isEmpty())
        return;
    const quint64 id = m_queue.takeFirst();
    m_picking = id;
    // Read and marked "uploading" in one job on the catalogue's thread, so nothing (a delete)
    // comes between; a write, so it is not refused when the catalogue is busy.
    const S3Config config = m_store.config();
    // The record if it is to be uploaded now; nothing if it is not final or all of it is stored.
    m_catalog.write<Result<std::optional<FileRecord>>>(
        [id, config](Catalog &catalog) -> Result<std::optional<FileRecord>> {
            auto record = catalog.file(id);
            if (!record)
                return record.error();
            if (!isFinal(record.value()))
                return std::optional<FileRecord>();
            if (UploadPlan::of(record.value(), config).isEmpty() && record->storageState == FileRecord::StorageState::Stored)
                return std::optional<FileRecord>();
            Status marked = catalog.modify(id, [](FileRecord &r) {
                r.storageState = FileRecord::StorageState::Uploading;
                return success();
            });
            if (!marked)
                return marked.error();
            record->storageState = FileRecord::StorageState::Uploading;
            return std::optional<FileRecord>(record.value());
        },
        this, [this, id](const Result<std::optional<FileRecord>> &record) { picked(id, record); });
}

void ObjectUploader::picked(quint64 id, const Result<std::optional<FileRecord>> &record)
{
    if (m_picking != id)
        return; // deleted meanwhile (removeObjects)
    m_picking = 0;
    if (!record) {
        if (record.error().code != int(ErrorCode::FileNotFound))
            qCWarning(lcStorage).noquote() << "file" << id << "not uploaded:" << record.error().toString();
    } else if (record->has_value()) {
        auto job = std::make_unique<UploadJob>();
        job->serial = ++m_serial;
        job->record = *record.value();
        job->items = UploadPlan::of(job->record, m_store.config());
        m_job = std::move(job);
        qCInfo(lcStorage).noquote() << "uploading file" << id << "(" << m_job->items.size() << "object(s)) to" << m_store.describe();
        return startItem();
    }
    // Not final (enqueued again when it is: finished, post-processed), or nothing to upload.
    startNext();
}

void ObjectUploader::save(std::function<void(FileRecord &)> change, std::function<void()> next)
{
    const quint64 serial = m_job->serial;
    const quint64 id = m_job->record.id;
    m_catalog.write<Status>(
        [id, change = std::move(change)](Catalog &catalog) {
            return catalog.modify(id, [&change](FileRecord &rec) {
                change(rec);
                return success();
            });
        },
        this,
        [this, serial, next = std::move(next)](const Status &saved) {
            if (!m_job || m_job->serial != serial)
                return; // the job ended meanwhile (deleted)
            if (!saved)
                return fail(saved.error().message);
            next();
        });
}

void ObjectUploader::send(S3Request request, std::function<void(const S3Response &)> next)
{
    const quint64 serial = m_job->serial;
    const bool queued = m_store.client().submit(std::move(request), this, [this, serial, next](const S3Response &response) {
        if (!m_job || m_job->serial != serial)
            return; // the job ended meanwhile (deleted)
        next(response);
    });
    if (!queued)
        fail(QStringLiteral("the object store's request queue is full"));
}

void ObjectUploader::startItem()
{
    UploadJob &job = *m_job;
    if (job.item >= job.items.size())
        return finishFile();
    const UploadPlan::Item &item = job.items.at(job.item);
    const QFileInfo info(item.localPath);
    if (!info.isFile())
        return fail(QStringLiteral("the local copy %1 is missing").arg(item.localPath));
    job.size = info.size();
    job.parts.clear();
    job.listed.clear();
    job.uploadId = job.record.uploads.value(item.key).toString();
    if (job.size <= m_store.config().partBytes)
        return putWhole();
    job.partCount = int((job.size + m_store.config().partBytes - 1) / m_store.config().partBytes);
    if (job.uploadId.isEmpty())
        return createMultipart();
    listParts(0);
}

void ObjectUploader::putWhole()
{
    const UploadPlan::Item &item = m_job->items.at(m_job->item);
    S3Request request;
    request.method = "PUT";
    request.key = item.key;
    request.bodyFile = item.localPath;
    request.bodyLength = m_job->size;
    send(request, [this](const S3Response &r) {
        if (!r.ok())
            return fail(r.describe());
        if (etagOf(r) != r.bodyMd5)
            return fail(QStringLiteral("the object store's ETag %1 is not the MD5 %2 of what was sent")
                            .arg(QString::fromLatin1(etagOf(r)), QString::fromLatin1(r.bodyMd5)));
        verify(r.bodyMd5);
    });
}

void ObjectUploader::createMultipart()
{
    const QString key = m_job->items.at(m_job->item).key;
    S3Request request;
    request.method = "POST";
    request.key = key;
    request.query.addQueryItem(QStringLiteral("uploads"), QString());
    request.headers << std::pair{QByteArray("Content-Type"), QByteArray("application/octet-stream")};
    send(request, [this, key](const S3Response &r) {
        const QString id = S3Xml::uploadId(r.body);
        if (!r.ok() || id.isEmpty())
            return fail(QStringLiteral("starting a multipart upload: ") + r.describe());
        // Kept before any part is sent: a restart resumes this upload instead of leaving it behind.
        save([key, id](FileRecord &rec) { rec.uploads.insert(key, id); },
             [this, key, id] {
                 m_job->record.uploads.insert(key, id);
                 m_job->uploadId = id;
                 sendPart(1);
             });
    });
}

void ObjectUploader::listParts(int marker)
{
    const QString key = m_job->items.at(m_job->item).key;
    S3Request request;
    request.method = "GET";
    request.key = key;
    request.query.addQueryItem(QStringLiteral("uploadId"), m_job->uploadId);
    if (marker > 0)
        request.query.addQueryItem(QStringLiteral("part-number-marker"), QString::number(marker));
    send(request, [this, key](const S3Response &r) {
        if (r.httpStatus == 404) {
            // The upload is gone (completed, aborted or expired on the server): start anew.
            qCInfo(lcStorage).noquote() << "multipart upload of" << key << "is gone from the store; starting it again";
            return createMultipart();
        }
        if (!r.ok())
            return fail(QStringLiteral("listing the parts of a multipart upload: ") + r.describe());
        bool truncated = false;
        int next = 0;
        for (const S3Xml::Part &p : S3Xml::parts(r.body, &truncated, &next))
            m_job->listed.insert(p.number, p);
        if (truncated && next > 0)
            return listParts(next);
        qCInfo(lcStorage).noquote() << "resuming the multipart upload of" << key << ":" << m_job->listed.size() << "of"
                                    << m_job->partCount << "parts are on the server";
        sendPart(1);
    });
}

void ObjectUploader::sendPart(int number)
{
    UploadJob &job = *m_job;
    if (number > job.partCount)
        return completeMultipart();
    const qint64 partBytes = m_store.config().partBytes;
    const qint64 offset = qint64(number - 1) * partBytes;
    S3Request request;
    request.method = "PUT";
    request.key = job.items.at(job.item).key;
    request.query.addQueryItem(QStringLiteral("partNumber"), QString::number(number));
    request.query.addQueryItem(QStringLiteral("uploadId"), job.uploadId);
    request.bodyFile = job.items.at(job.item).localPath;
    request.bodyOffset = offset;
    request.bodyLength = qMin(partBytes, job.size - offset);
    if (auto listed = job.listed.constFind(number); listed != job.listed.constEnd() && listed->size == request.bodyLength)
        request.skipIfMd5 = listed->etag;
    send(request, [this, number](const S3Response &r) {
        if (!r.ok())
            return fail(QStringLiteral("uploading part %1: %2").arg(number).arg(r.describe()));
        if (!r.skipped && etagOf(r) != r.bodyMd5)
            return fail(QStringLiteral("part %1: the object store's ETag %2 is not the MD5 %3 of what was sent")
                            .arg(number)
                            .arg(QString::fromLatin1(etagOf(r)), QString::fromLatin1(r.bodyMd5)));
        m_job->parts << S3Xml::Part{number, r.bodyMd5, 0};
        sendPart(number + 1);
    });
}

void ObjectUploader::completeMultipart()
{
    const QString key = m_job->items.at(m_job->item).key;
    S3Request request;
    request.method = "POST";
    request.key = key;
    request.query.addQueryItem(QStringLiteral("uploadId"), m_job->uploadId);
    request.body = S3Xml::completeMultipart(m_job->parts);
    request.headers << std::pair{QByteArray("Content-Type"), QByteArray("application/xml")};
    send(request, [this, key](const S3Response &r) {
        // S3 may answer 200 and still report an error in the body.
        if (!r.ok() || !S3Xml::error(r.body).isEmpty())
            return fail(QStringLiteral("completing a multipart upload: ") + r.describe());
        save([key](FileRecord &rec) { rec.uploads.remove(key); },
             [this, key] {
                 m_job->record.uploads.remove(key);
                 verify(multipartEtag(m_job->parts));
             });
    });
}

void ObjectUploader::verify(const QByteArray &expectedEtag)
{
    S3Request request;
    request.method = "HEAD";
    request.key = m_job->items.at(m_job->item).key;
    send(request, [this, expectedEtag](const S3Response &r) {
        if (!r.ok())
            return fail(QStringLiteral("reading the stored object back: ") + r.describe());
        const qint64 storedSize = r.headers.value("content-length").toLongLong();
        if (storedSize != m_job->size || etagOf(r) != expectedEtag)
            return fail(QStringLiteral("the stored object %1 does not match the local file (size %2, ETag %3; expected %4, %5)")
                            .arg(m_job->items.at(m_job->item).key)
                            .arg(storedSize)
                            .arg(QString::fromLatin1(etagOf(r)))
                            .arg(m_job->size)
                            .arg(QString::fromLatin1(expectedEtag)));
        const UploadPlan::Item item = m_job->items.at(m_job->item);
        save(
            [item](FileRecord &rec) {
                if (item.derivedIndex < 0) {
                    rec.objectKey = item.key;
                } else if (item.derivedIndex < rec.derived.size()) {
                    QJsonObject output = rec.derived.at(item.derivedIndex).toObject();
                    output.insert(QStringLiteral("objectKey"), item.key);
                    rec.derived.replace(item.derivedIndex, output);
                }
            },
            [this] {
                ++m_job->item;
                startItem();
            });
    });
}

void ObjectUploader::finishFile()
{
    const quint64 id = m_job->record.id;
    // The job ends once the row says "stored" (a delete meanwhile still finds it busy).
    m_catalog.write<Result<FileRecord>>(
        [id](Catalog &catalog) -> Result<FileRecord> {
            Result<FileRecord> updated = makeError(ErrorCode::FileNotFound, QString::number(id));
            Status saved = catalog.modify(id, [&](FileRecord &rec) {
                rec.storageState = FileRecord::StorageState::Stored;
                rec.storageError.clear();
                updated = rec;
                return success();
            });
            if (!saved)
                return saved.error();
            return updated;
        },
        this, [this, id, serial = m_job->serial](const Result<FileRecord> &updated) {
            if (!m_job || m_job->serial != serial)
                return; // deleted meanwhile
            m_job.reset();
            if (!updated) {
                qCWarning(lcStorage).noquote() << "file" << id << "uploaded but not marked stored:" << updated.error().toString();
            } else {
                m_failures.remove(id);
                qCInfo(lcStorage).noquote() << "file" << id << "stored as" << updated->objectKey << "(checksums verified)";
                if (m_store.config().keepLocalSeconds == 0)
                    removeLocalCopies({updated.value()});
                emit stored(id);
            }
            startNext();
        });
}

void ObjectUploader::fail(const QString &reason)
{
    const quint64 id = m_job->record.id;
    m_job.reset();
    const int failures = ++m_failures[id];
    const int delay = int(qMin<qint64>(m_retryMaxMs, qint64(m_retryFirstMs) << qMin(failures - 1, 20)));
    qCWarning(lcStorage).noquote() << "upload of file" << id << "failed:" << reason << "; retrying in" << delay / 1000.0 << "s";
    m_catalog.write<Status>(
        [id, reason](Catalog &catalog) {
            return catalog.modify(id, [&reason](FileRecord &rec) {
                rec.storageState = FileRecord::StorageState::UploadFailed;
                rec.storageError = reason;
                return success();
            });
        },
        this,
        [this, id, delay, reason](const Status &saved) {
            // A file deleted meanwhile is not tried again.
            if (saved || saved.error().code != int(ErrorCode::FileNotFound))
                retryLater(id, delay);
            emit uploadFailed(id, reason);
        });
    startNext();
}

void ObjectUploader::retryLater(quint64 id, int delayMs)
{
    auto *retry = new QTimer(this);
    retry->setSingleShot(true);
    connect(retry, &QTimer::timeout, this, [this, id, retry] {
        m_retries.remove(id);
        retry->deleteLater();
        enqueue(id);
    });
    if (QTimer *old = m_retries.take(id))
        old->deleteLater();
    m_retries.insert(id, retry);
    retry->start(delayMs);
}

void ObjectUploader::removeLocalCopies(const QList<FileRecord> &records)
{
    S3Request request;
    request.kind = S3Request::Kind::RemoveFiles;
    for (const FileRecord &r : records) {
        request.localFiles << r.storagePath;
        for (const QJsonValue &v : r.derived)
            request.localFiles << v.toObject().value(QStringLiteral("path")).toString();
    }
    m_store.client().submit(request, this, [](const S3Response &r) {
        if (!r.ok())
            qCWarning(lcStorage).noquote() << r.describe();
    });
}

void ObjectUploader::sweepLocalCopies()
{
    // A request: with the catalogue busy this sweep is skipped (the next one comes); one at a time.
    if (m_sweeping)
        return;
    m_sweeping = true;
    const S3Config config = m_store.config();
    const QDateTime cutoff = QDateTime::currentDateTimeUtc().addSecs(-config.keepLocalSeconds);
    // On the catalogue's thread: the rows, and whether their local copies exist (disk work).
    m_catalog.request<Result<SweepFindings>>(
        this,
        [config, cutoff](Catalog &catalog) -> Result<SweepFindings> {
            auto stored = catalog.inStorageState(FileRecord::StorageState::Stored);
            if (!stored)
                return stored.error();
            SweepFindings found;
            for (const FileRecord &r : stored.value()) {
                if (!UploadPlan::of(r, config).isEmpty() && isFinal(r))
                    found.toUpload << r.id; // derived outputs made after the file was stored
                else if (config.keepLocalSeconds >= 0 && (!r.endedAt.isValid() || r.endedAt < cutoff) && QFileInfo::exists(r.storagePath))
                    found.expired << r;
            }
            return found;
        },
        [this](const Result<SweepFindings> &found) {
            m_sweeping = false;
            if (!found) {
                qCWarning(lcStorage).noquote() << "local copies not swept:" << found.error().toString();
                return;
            }
            for (quint64 id : found->toUpload)
                enqueue(id);
            if (!found->expired.isEmpty())
                removeLocalCopies(found->expired);
        });
}

void ObjectUploader::removeObjects(const FileRecord &record)
{
    m_queue.removeAll(record.id);
    if (m_picking == record.id)
        m_picking = 0; // its answer is dropped (picked())
    if (m_job && m_job->record.id == record.id)
        m_job.reset(); // answers still on their way are dropped (serial)
    startNext();
    if (QTimer *retry = m_retries.take(record.id))
        retry->deleteLater();
    QList<S3Request> requests;
    for (const QString &key : UploadPlan::storedKeys(record)) {
        S3Request r;
        r.method = "DELETE";
        r.key = key;
        requests << r;
    }
    for (auto it = record.uploads.begin(); it != record.uploads.end(); ++it) {
        S3Request r;
        r.method = "DELETE";
        r.key = it.key();
        r.query.addQueryItem(QStringLiteral("uploadId"), it.value().toString());
        requests << r;
    }
    for (const S3Request &request : std::as_const(requests)) {
        const QString what = request.key;
        const bool queued = m_store.client().submit(request, this, [what](const S3Response &r) {
            if (r.ok() || r.httpStatus == 404)
                qCInfo(lcStorage).noquote() << "deleted" << what << "from the object store";
            else
                qCWarning(lcStorage).noquote() << "could not delete" << what << "from the object store:" << r.describe();
        });
        if (!queued)
            qCWarning(lcStorage).noquote() << "could not delete" << what << "from the object store: request queue full";
    }
}

} // namespace roomrec
