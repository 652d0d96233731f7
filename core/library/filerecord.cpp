#include "library/filerecord.h"

#include <QCborArray>
#include <QJsonArray>
#include <QJsonObject>

namespace roomrec {

QString FileRecord::stateName(State state)
{
    switch (state) {
    case State::Recording: return QStringLiteral("recording");
    case State::Complete: return QStringLiteral("complete");
    case State::Recovered: return QStringLiteral("recovered");
    case State::Failed: return QStringLiteral("failed");
    }
    return {};
}

FileRecord::State FileRecord::stateFromName(const QString &name)
{
    for (State s : {State::Recording, State::Complete, State::Recovered, State::Failed}) {
        if (stateName(s) == name)
            return s;
    }
    return State::Failed;
}

QString FileRecord::storageStateName(StorageState state)
{
    switch (state) {
    case StorageState::Local: return QStringLiteral("local");
    case StorageState::Uploading: return QStringLiteral("uploading");
    case StorageState::Stored: return QStringLiteral("stored");
    case StorageState::UploadFailed: return QStringLiteral("upload failed");
    }
    return {};
}

FileRecord::StorageState FileRecord::storageStateFromName(const QString &name)
{
    for (StorageState s : {StorageState::Local, StorageState::Uploading, StorageState::Stored, StorageState::UploadFailed}) {
        if (storageStateName(s) == name)
            return s;
    }
    return StorageState::Local;
}

QCborMap FileRecord::toCbor() const
{
    return QCborMap::fromJsonObject(toJson());
}

QJsonObject FileRecord::toJson() const
{
    return QJsonObject{
        {QStringLiteral("fileId"), QString::number(id)},
        {QStringLiteral("recordingId"), QString::number(recordingId)},
        {QStringLiteral("segment"), segmentIndex},
        {QStringLiteral("fileName"), name},
        {QStringLiteral("tags"), QJsonArray::fromStringList(tags)},
        {QStringLiteral("classId"), qint64(classId)},
        {QStringLiteral("relationId"), qint64(relationId)},
        {QStringLiteral("roomId"), qint64(roomId)},
        {QStringLiteral("userId"), userId},
        {QStringLiteral("streamKind"), streamKind == 1 ? QStringLiteral("sub-stream") : QStringLiteral("camera")},
        {QStringLiteral("startedAt"), startedAt.toUTC().toString(Qt::ISODateWithMs)},
        {QStringLiteral("endedAt"), endedAt.isValid() ? endedAt.toUTC().toString(Qt::ISODateWithMs) : QString()},
        {QStringLiteral("mediaStartSeconds"), mediaStartUs / 1e6},
        {QStringLiteral("durationSeconds"), durationUs / 1e6},
        {QStringLiteral("sizeBytes"), sizeBytes},
        {QStringLiteral("videoCodec"), videoCodec},
        {QStringLiteral("audioCodec"), audioCodec},
        {QStringLiteral("width"), width},
        {QStringLiteral("height"), height},
        {QStringLiteral("state"), stateName(state)},
        {QStringLiteral("path"), storagePath},
        {QStringLiteral("endReason"), endReason},
        {QStringLiteral("processing"), QJsonArray::fromStringList(processing)},
        {QStringLiteral("processingState"), processingState},
        {QStringLiteral("derived"), derived},
        {QStringLiteral("storage"), storageStateName(storageState)},
        {QStringLiteral("objectKey"), objectKey},
        {QStringLiteral("storageError"), storageError},
    };
}

FileRecord FileRecord::fromCbor(const QCborMap &m)
{
    FileRecord r;
    auto str = [&m](const char *k) { return m.value(QLatin1String(k)).toString(); };
    auto num = [&m](const char *k) { return m.value(QLatin1String(k)); };
    r.id = str("fileId").toULongLong();
    r.recordingId = str("recordingId").toULongLong();
    r.segmentIndex = int(num("segment").toInteger());
    r.name = str("fileName");
    for (const QCborValue &t : m.value(QStringLiteral("tags")).toArray())
        r.tags << t.toString();
    r.classId = quint32(num("classId").toInteger());
    r.relationId = quint32(num("relationId").toInteger());
    r.roomId = quint32(num("roomId").toInteger());
    r.userId = str("userId");
    r.streamKind = str("streamKind") == QLatin1String("sub-stream") ? 1 : 0;
    r.startedAt = QDateTime::fromString(str("startedAt"), Qt::ISODateWithMs);
    r.endedAt = QDateTime::fromString(str("endedAt"), Qt::ISODateWithMs);
    r.mediaStartUs = qint64(num("mediaStartSeconds").toDouble() * 1e6 + 0.5);
    r.durationUs = qint64(num("durationSeconds").toDouble() * 1e6 + 0.5);
    r.sizeBytes = num("sizeBytes").toInteger();
    r.videoCodec = str("videoCodec");
    r.audioCodec = str("audioCodec");
    r.width = int(num("width").toInteger());
    r.height = int(num("height").toInteger());
    r.state = stateFromName(str("state"));
    r.storagePath = str("path");
    r.endReason = str("endReason");
    for (const QCborValue &p : m.value(QStringLiteral("processing")).toArray())
        r.processing << p.toString();
    r.processingState = str("processingState");
    r.derived = m.value(QStringLiteral("derived")).toArray().toJsonArray();
    r.storageState = storageStateFromName(str("storage"));
    r.objectKey = str("objectKey");
    r.storageError = str("storageError");
    return r;
}

} // namespace roomrec
