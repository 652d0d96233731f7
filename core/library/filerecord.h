#pragma once

#include <QCborMap>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

namespace roomrec {

// One recorded file (one segment) in the video library.
struct FileRecord {
    enum class State { Recording, Complete, Recovered, Failed };
    // Where the finished file lives (--storage): on this server's disk, on its way to the
    // object store, stored there (checksum verified), or the last upload attempt failed.
    enum class StorageState { Local, Uploading, Stored, UploadFailed };

    quint64 id = 0;
    quint64 recordingId = 0; // the recording (start..stop) this segment belongs to
    int segmentIndex = 0;
    QString name;            // the RecordParam file name (no suffix)
    QStringList tags;
    quint32 classId = 0;
    quint32 relationId = 0;
    quint32 roomId = 0;
    QString userId;
    int streamKind = 0;      // record data type: 0 camera, 1 sub-stream
    QDateTime startedAt;     // wall clock, UTC
    QDateTime endedAt;
    qint64 mediaStartUs = 0; // position of this segment in the recording's timeline
    qint64 durationUs = 0;
    qint64 sizeBytes = 0;
    QString videoCodec;
    QString audioCodec;
    int width = 0;
    int height = 0;
    State state = State::Recording;
    QString storagePath;     // absolute path on the server
    QString endReason;       // "stopped", "idle", "segment", "quota", "shutdown", "recovered", "error"
    QStringList processing;  // asked for at start: "transcode", "screenshot", "watermark"
    QString processingState; // "" (nothing asked), "pending", "running 40%", "done", "failed: why"
    QJsonArray derived;      // outputs: {kind: cover|thumbnail|rendition, path, width, height, atSeconds}
    StorageState storageState = StorageState::Local;
    QString objectKey;       // the file's key in the object store ("" while local)
    QString storageError;    // why the last upload failed ("" otherwise)
    QJsonObject uploads;     // object key -> multipart upload ID under way (resumed after a restart; not on the wire)
    // The catalogue row's revision when this record was read from it (not on the wire). An
    // update of a record that was read succeeds only if nobody changed the row since, so a
    // server never overwrites another's change with stale fields; 0: not read, not checked.
    qint64 revision = 0;

    QCborMap toCbor() const;
    static FileRecord fromCbor(const QCborMap &map);
    QJsonObject toJson() const;

    static QString stateName(State state);
    static State stateFromName(const QString &name);
    static QString storageStateName(StorageState state);
    static StorageState storageStateFromName(const QString &name);
};

} // namespace roomrec
