#include "server/webhookevents.h"

#include "library/catalogworker.h"
#include "server/webhookoutbox.h"

#include <QJsonArray>
#include <QMap>

namespace roomrec {

namespace {
QJsonObject aboutFile(const FileRecord &record)
{
    return QJsonObject{{QStringLiteral("fileId"), QString::number(record.id)},
                       {QStringLiteral("recordingId"), QString::number(record.recordingId)},
                       {QStringLiteral("userId"), record.userId},
                       {QStringLiteral("relationId"), qint64(record.relationId)},
                       {QStringLiteral("roomId"), qint64(record.roomId)},
                       {QStringLiteral("file"), record.toJson()}};
}
} // namespace

WebhookEvents::WebhookEvents(CatalogWorker &catalog, WebhookOutbox &outbox, QObject *parent)
    : QObject(parent), m_catalog(catalog), m_outbox(outbox)
{
}

void WebhookEvents::storeEvents(std::function<Status(Catalog &)> job)
{
    m_catalog.write<Status>(std::move(job), &m_outbox, [outbox = &m_outbox](const Status &) { outbox->wake(); });
}

void WebhookEvents::recordingStarted(const QString &userId, const RoomInfo &room, quint64 recordingId, const RecordParam &param)
{
    (void)m_outbox.enqueue(QStringLiteral("recording.started"),
                           {{QStringLiteral("recordingId"), QString::number(recordingId)},
                            {QStringLiteral("userId"), userId},
                            {QStringLiteral("relationId"), qint64(room.relationId)},
                            {QStringLiteral("roomId"), qint64(room.roomId)},
                            {QStringLiteral("param"), param.toCbor().toJsonObject()}});
}

void WebhookEvents::fileReady(quint64 fileId)
{
    std::optional<Ending> ended;
    bool awaited = false;
    for (auto it = m_endings.begin(); it != m_endings.end(); ++it) {
        if (it->waitingFor.remove(fileId)) {
            awaited = true;
            if (it->waitingFor.isEmpty()) {
                ended = *it;
                m_endings.erase(it);
            }
            break;
        }
    }
    if (!awaited)
        m_readyFiles.insert(fileId);
    storeEvents([fileId, ended](Catalog &catalog) {
        // The finalizer reports files deleted meanwhile too: nothing to announce then.
        if (auto record = catalog.file(fileId))
            storeFileReady(catalog, record.value());
        if (ended)
            storeEnded(catalog, *ended);
        return success();
    });
}

void WebhookEvents::recordingEnded(const QString &userId, const RecordingOutcome &outcome)
{
    QList<quint64> ids;
    for (const QString &idText : outcome.fileIds)
        ids << idText.toULongLong();
    m_catalog.write<Result<QList<FileRecord>>>(
        [ids](Catalog &catalog) -> Result<QList<FileRecord>> {
            QList<FileRecord> files;
            for (quint64 id : ids) {
                if (auto record = catalog.file(id))
                    files << record.value();
            }
            return files;
        },
        this, [this, userId, outcome](const Result<QList<FileRecord>> &files) { endingRead(userId, outcome, files.value()); });
}

void WebhookEvents::endingRead(const QString &userId, const RecordingOutcome &outcome, const QList<FileRecord> &files)
{
    Ending ending{userId, outcome, {}};
    QList<FileRecord> repaired;
    for (const FileRecord &record : files) {
        // Already announced by fileReady (earlier segments, or while the rows were read).
        if (m_readyFiles.remove(record.id))
            continue;
        // Files still being written on a writer thread, or closed cleanly and on their way
        // through the finalizer, are announced by fileReady; a repaired one is final already.
        if (record.state == FileRecord::State::Complete || record.state == FileRecord::State::Recording)
            ending.waitingFor.insert(record.id);
        else if (record.state == FileRecord::State::Recovered)
            repaired << record;
    }
    const bool endsNow = ending.waitingFor.isEmpty();
    if (!endsNow)
        m_endings << ending;
    if (repaired.isEmpty() && !endsNow)
        return;
    storeEvents([repaired, ending, endsNow](Catalog &catalog) {
        for (const FileRecord &record : repaired)
            storeFileReady(catalog, record);
        if (endsNow)
            storeEnded(catalog, ending);
        return success();
    });
}

void WebhookEvents::processed(quint64 fileId, const QString &state)
{
    storeEvents([fileId, state](Catalog &catalog) -> Status {
        auto record = catalog.file(fileId);
        if (!record)
            return record.error();
        QJsonObject fields = aboutFile(record.value());
        fields.insert(QStringLiteral("state"), state);
        fields.insert(QStringLiteral("derived"), record->derived);
        auto stored = WebhookOutbox::store(catalog, QStringLiteral("processing.done"), fields);
        if (!stored)
            return stored.error();
        return success();
    });
}

void WebhookEvents::recovered(const QList<FileRecord> &files)
{
    if (files.isEmpty())
        return;
    storeEvents([files](Catalog &catalog) {
        QMap<quint64, FileRecord> byRecording; // one of each recording's recovered files
        for (const FileRecord &record : files) {
            storeFileReady(catalog, record);
            byRecording.insert(record.recordingId, record);
        }
        for (const FileRecord &any : std::as_const(byRecording)) {
            RecordingOutcome outcome;
            outcome.recordingId = any.recordingId;
            outcome.room = RoomInfo{any.relationId, any.roomId};
            outcome.reason = QStringLiteral("recovered");
            outcome.endedAt = any.endedAt.isValid() ? any.endedAt : QDateTime::currentDateTimeUtc();
            // Every segment of the recording, not only the one the crash interrupted.
            auto all = catalog.recording(any.recordingId);
            for (const FileRecord &r : all ? all.value() : QList<FileRecord>{any})
                outcome.fileIds << QString::number(r.id);
            storeEnded(catalog, Ending{any.userId, outcome, {}});
        }
        return success();
    });
}

void WebhookEvents::storeFileReady(Catalog &catalog, const FileRecord &record)
{
    QJsonObject fields = aboutFile(record);
    fields.insert(QStringLiteral("sizeBytes"), record.sizeBytes);
    (void)WebhookOutbox::store(catalog, QStringLiteral("file.ready"), fields);
}

void WebhookEvents::storeEnded(Catalog &catalog, const Ending &ending)
{
    const RecordingOutcome &o = ending.outcome;
    QJsonArray files;
    for (const QString &id : o.fileIds) {
        if (auto record = catalog.file(id.toULongLong()))
            files << record->toJson();
    }
    (void)WebhookOutbox::store(catalog, QStringLiteral("recording.ended"),
                               {{QStringLiteral("recordingId"), QString::number(o.recordingId)},
                                {QStringLiteral("userId"), ending.userId},
                                {QStringLiteral("relationId"), qint64(o.room.relationId)},
                                {QStringLiteral("roomId"), qint64(o.room.roomId)},
                                {QStringLiteral("reason"), o.reason},
                                {QStringLiteral("code"), o.errorCode},
                                {QStringLiteral("message"), o.errorMessage},
                                {QStringLiteral("endedAt"), o.endedAt.toUTC().toString(Qt::ISODateWithMs)},
                                {QStringLiteral("fileIds"), QJsonArray::fromStringList(o.fileIds)},
                                {QStringLiteral("files"), files}});
}

} // namespace roomrec
