#include "storage/objectuploader.h"

#include "common/logging.h"
#include "library/catalog.h"
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

ObjectUploader::ObjectUploader(Catalog &catalog, S3FileStore &store, QObject *parent)
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

bool ObjectUploader::isFinal(const FileRecord &record) const
{
    if (record.state != FileRecord::State::Complete && record.state != FileRecord::State::Recovered)
        return false;
    return record.processingState != QLatin1String("pending") && !record.processingState.startsWith(QLatin1String("running"));
}

void ObjectUploader::enqueue(quint64 fileId)
{
    if (m_queue.contains(fileId) || (m_job && m_job->record.id == fileId))
        return;
    if (QTimer *retry = m_retries.take(fileId))
        retry->deleteLater();
    m_queue << fileId;
    if (!m_job)
        startNext();
}

int ObjectUploader::resume()
{
    int queued = 0;
    for (auto state : {FileRecord::StorageState::Uploading, FileRecord::StorageState::UploadFailed, FileRecord::StorageState::Local}) {
        auto files = m_catalog.inStorageState(state);
        if (!files) {
            qCWarning(lcStorage).noquote() << "cannot list files to upload:" << files.error().toString();
            continue;
        }
        for (const FileRecord &r : files.value()) {
            if (isFinal(r)) {
                enqueue(r.id);
                ++queued;
            }
        }
    }
    // Stored files whose derived outputs came later, and local copies past their retention.
    sweepLocalCopies();
    return queued;
}

bool ObjectUploader::isBusyWith(quint64 fileId) const
{
    return m_job && m_job->record.id == fileId;
}

void ObjectUploader::startNext()
{
    while (!m_job && !m_queue.isEmpty()) {
        const quint64 id = m_queue.takeFirst();
        auto record = m_catalog.file(id);
        if (!record) {
            if (record.error().code != int(ErrorCode::FileNotFound))
                qCWarning(lcStorage).noquote() << "file" << id << "not uploaded:" << record.error().toString();
            continue;
        }
        if (!isFinal(record.value()))
            continue; // enqueued again when it is (finished, post-processed)
        QList<UploadPlan::Item> items = UploadPlan::of(record.value(), m_store.config());
        if (items.isEmpty() && record->storageState == FileRecord::StorageState::Stored)
            continue;
        auto job = std::make_unique<UploadJob>();
        job->serial = ++m_serial;
        job->record = record.value();
        job->items = items;
        m_job = std::move(job);
        Status marked = m_catalog.modify(id, [](FileRecord &r) {
            r.storageState = FileRecord::StorageState::Uploading;
            return success();
        });
        if (!marked) {
            m_job.reset();
            qCWarning(lcStorage).noquote() << "file" << id << "not uploaded:" << marked.error().toString();
            continue;
        }
        qCInfo(lcStorage).noquote() << "uploading file" << id << "(" << items.size() << "object(s)) to" << m_store.describe();
        startItem();
    }
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
        Status saved = m_catalog.modify(m_job->record.id, [&](FileRecord &rec) {
            rec.uploads.insert(key, id);
            return success();
        });
        if (!saved)
            return fail(saved.error().message);
        m_job->record.uploads.insert(key, id);
        m_job->uploadId = id;
        sendPart(1);
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
        Status saved = m_catalog.modify(m_job->record.id, [&](FileRecord &rec) {
            rec.uploads.remove(key);
            return success();
        });
        if (!saved)
            return fail(saved.error().message);
        m_job->record.uploads.remove(key);
        verify(multipartEtag(m_job->parts));
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
        const UploadPlan::Item &item = m_job->items.at(m_job->item);
        Status saved = m_catalog.modify(m_job->record.id, [&](FileRecord &rec) {
            if (item.derivedIndex < 0) {
                rec.objectKey = item.key;
            } else if (item.derivedIndex < rec.derived.size()) {
                QJsonObject output = rec.derived.at(item.derivedIndex).toObject();
                output.insert(QStringLiteral("objectKey"), item.key);
                rec.derived.replace(item.derivedIndex, output);
            }
            return success();
        });
        if (!saved)
            return fail(saved.error().message);
        ++m_job->item;
        startItem();
    });
}

void ObjectUploader::finishFile()
{
    const quint64 id = m_job->record.id;
    Result<FileRecord> updated = makeError(ErrorCode::FileNotFound, QString::number(id));
    Status saved = m_catalog.modify(id, [&](FileRecord &rec) {
        rec.storageState = FileRecord::StorageState::Stored;
        rec.storageError.clear();
        updated = rec;
        return success();
    });
    m_job.reset();
    if (!saved) {
        qCWarning(lcStorage).noquote() << "file" << id << "uploaded but not marked stored:" << saved.error().toString();
    } else {
        m_failures.remove(id);
        qCInfo(lcStorage).noquote() << "file" << id << "stored as" << updated->objectKey << "(checksums verified)";
        if (m_store.config().keepLocalSeconds == 0)
            removeLocalCopies({updated.value()});
        emit stored(id);
    }
    startNext();
}

void ObjectUploader::fail(const QString &reason)
{
    const quint64 id = m_job->record.id;
    m_job.reset();
    const int failures = ++m_failures[id];
    const int delay = int(qMin<qint64>(m_retryMaxMs, qint64(m_retryFirstMs) << qMin(failures - 1, 20)));
    qCWarning(lcStorage).noquote() << "upload of file" << id << "failed:" << reason << "; retrying in" << delay / 1000.0 << "s";
    Status saved = m_catalog.modify(id, [&](FileRecord &rec) {
        rec.storageState = FileRecord::StorageState::UploadFailed;
        rec.storageError = reason;
        return success();
    });
    if (saved || saved.error().code != int(ErrorCode::FileNotFound)) {
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
        retry->start(delay);
    }
    emit uploadFailed(id, reason);
    startNext();
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
    const qint64 keep = m_store.config().keepLocalSeconds;
    auto stored = m_catalog.inStorageState(FileRecord::StorageState::Stored);
    if (!stored)
        return;
    const QDateTime cutoff = QDateTime::currentDateTimeUtc().addSecs(-keep);
    QList<FileRecord> expired;
    for (const FileRecord &r : stored.value()) {
        if (!UploadPlan::of(r, m_store.config()).isEmpty() && isFinal(r))
            enqueue(r.id); // derived outputs made after the file was stored
        else if (keep >= 0 && (!r.endedAt.isValid() || r.endedAt < cutoff) && QFileInfo::exists(r.storagePath))
            expired << r;
    }
    if (!expired.isEmpty())
        removeLocalCopies(expired);
}

void ObjectUploader::removeObjects(const FileRecord &record)
{
    if (m_job && m_job->record.id == record.id) {
        m_job.reset(); // answers still on their way are dropped (serial)
        startNext();
    }
    m_queue.removeAll(record.id);
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
