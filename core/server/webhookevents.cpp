#include "server/webhookevents.h"

#include "library/catalog.h"
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

WebhookEvents::WebhookEvents(Catalog &catalog, WebhookOutbox &outbox, QObject *parent)
    : QObject(parent), m_catalog(catalog), m_outbox(outbox)
{
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
    // The finalizer reports files deleted meanwhile too: nothing to announce then.
    if (auto record = m_catalog.file(fileId))
        sendFileReady(record.value());
    for (auto it = m_endings.begin(); it != m_endings.end(); ++it) {
        if (it->waitingFor.remove(fileId)) {
            if (it->waitingFor.isEmpty()) {
                sendEnded(*it);
                m_endings.erase(it);
            }
            return;
        }
    }
    m_readyFiles.insert(fileId);
}

void WebhookEvents::recordingEnded(const QString &userId, const RecordingOutcome &outcome)
{
    Ending ending{userId, outcome, {}};
    for (const QString &idText : outcome.fileIds) {
        const quint64 id = idText.toULongLong();
        if (m_readyFiles.remove(id))
            continue;
        auto record = m_catalog.file(id);
        if (!record)
            continue;
        // Files still being written on a writer thread, or closed cleanly and on their way
        // through the finalizer, are announced by fileReady; a repaired one is final already.
        if (record->state == FileRecord::State::Complete || record->state == FileRecord::State::Recording)
            ending.waitingFor.insert(id);
        else if (record->state == FileRecord::State::Recovered)
            sendFileReady(record.value());
    }
    if (ending.waitingFor.isEmpty())
        sendEnded(ending);
    else
        m_endings << ending;
}

void WebhookEvents::processed(quint64 fileId, const QString &state)
{
    auto record = m_catalog.file(fileId);
    if (!record)
        return;
    QJsonObject fields = aboutFile(record.value());
    fields.insert(QStringLiteral("state"), state);
    fields.insert(QStringLiteral("derived"), record->derived);
    (void)m_outbox.enqueue(QStringLiteral("processing.done"), fields);
}

void WebhookEvents::recovered(const QList<FileRecord> &files)
{
    QMap<quint64, FileRecord> byRecording; // one of each recording's recovered files
    for (const FileRecord &record : files) {
        sendFileReady(record);
        byRecording.insert(record.recordingId, record);
    }
    for (const FileRecord &any : std::as_const(byRecording)) {
        RecordingOutcome outcome;
        outcome.recordingId = any.recordingId;
        outcome.room = RoomInfo{any.relationId, any.roomId};
        outcome.reason = QStringLiteral("recovered");
        outcome.endedAt = any.endedAt.isValid() ? any.endedAt : QDateTime::currentDateTimeUtc();
        // Every segment of the recording, not only the one the crash interrupted.
        auto all = m_catalog.recording(any.recordingId);
        for (const FileRecord &r : all ? all.value() : QList<FileRecord>{any})
            outcome.fileIds << QString::number(r.id);
        sendEnded(Ending{any.userId, outcome, {}});
    }
}

void WebhookEvents::sendFileReady(const FileRecord &record)
{
    QJsonObject fields = aboutFile(record);
    fields.insert(QStringLiteral("sizeBytes"), record.sizeBytes);
    (void)m_outbox.enqueue(QStringLiteral("file.ready"), fields);
}

void WebhookEvents::sendEnded(const Ending &ending)
{
    const RecordingOutcome &o = ending.outcome;
    QJsonArray files;
    for (const QString &id : o.fileIds) {
        if (auto record = m_catalog.file(id.toULongLong()))
            files << record->toJson();
    }
    (void)m_outbox.enqueue(QStringLiteral("recording.ended"),
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
