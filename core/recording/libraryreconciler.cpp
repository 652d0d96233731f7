#include "recording/libraryreconciler.h"

#include "common/logging.h"
#include "recording/mp4probe.h"
#include "recording/mp4repair.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>

namespace roomrec {

namespace {
// Recordings live in "recordings/YYYY-MM-DD/NAME-ID.mp4"; derived outputs in ".../ID/".
const QRegularExpression kDayFolder(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
const QRegularExpression kRecordingName(QStringLiteral("^(.+)-(\\d{1,20})\\.mp4$"));

FileRecord orphanRecord(quint64 id, const QString &name, const QFileInfo &file)
{
    FileRecord record;
    record.id = id;
    record.name = name;
    record.userId = QStringLiteral(""); // unknown owner (not NULL: the column requires a value)
    record.state = FileRecord::State::Recovered;
    record.endReason = QStringLiteral("orphan");
    record.storagePath = file.absoluteFilePath();
    record.startedAt = (file.birthTime().isValid() ? file.birthTime() : file.lastModified()).toUTC();
    record.endedAt = file.lastModified().toUTC();
    return record;
}
} // namespace

Result<LibraryReconciler::Summary> LibraryReconciler::reconcile(Catalog &catalog, const QString &recordingsDir)
{
    Summary summary;
    auto paths = catalog.storagePaths();
    if (!paths)
        return paths.error();
    // Files in the object store may have no local copy left (--storage s3://...).
    auto stored = catalog.inStorageState(FileRecord::StorageState::Stored);
    if (!stored)
        return stored.error();
    QSet<quint64> remote;
    for (const FileRecord &r : stored.value())
        remote.insert(r.id);
    for (auto it = paths->begin(); it != paths->end();) {
        if (remote.contains(it.key()) || QFileInfo::exists(it.value())) {
            ++it;
            continue;
        }
        qCWarning(lcRecording).noquote() << "file" << it.key() << "is missing from storage (" << it.value()
                                         << "): dropped from the library";
        if (Status s = catalog.remove(it.key()); !s)
            return s.error();
        ++summary.rowsDropped;
        it = paths->erase(it);
    }

    const QDir root(recordingsDir);
    for (const QFileInfo &day : root.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (!kDayFolder.match(day.fileName()).hasMatch())
            continue;
        const QDir dayDir(day.absoluteFilePath());
        for (const QFileInfo &file : dayDir.entryInfoList({QStringLiteral("*.mp4")}, QDir::Files)) {
            const auto m = kRecordingName.match(file.fileName());
            bool ok = false;
            const quint64 id = m.hasMatch() ? m.captured(2).toULongLong(&ok) : 0;
            if (!ok || paths->contains(id))
                continue;
            FileRecord record = orphanRecord(id, m.captured(1), file);
            auto repaired = Mp4Repair::repair(record.storagePath);
            auto info = repaired ? Mp4Probe::probe(record.storagePath) : Result<Mp4Info>(repaired.error());
            // Killed right after a segment opened, before its row was catalogued (the row is
            // queued on the catalogue's thread while the file is written): a header and no
            // media, so nothing to keep (as CrashRecovery does for a row without media). A
            // finished file has no fragments either, but a duration.
            const bool noMedia = file.size() == 0 || (repaired && repaired->fragments == 0 && info && info->durationUs <= 0);
            if (noMedia && QFile::remove(record.storagePath)) {
                qCInfo(lcRecording) << "orphaned file" << record.storagePath << "had no media: removed";
                continue;
            }
            if (info) {
                record.durationUs = info->durationUs;
                record.videoCodec = info->videoCodec;
                record.audioCodec = info->audioCodec;
                record.width = info->width;
                record.height = info->height;
            } else {
                record.state = FileRecord::State::Failed;
            }
            record.sizeBytes = QFileInfo(record.storagePath).size();
            if (Status s = catalog.insert(record); !s) {
                // One unreadable leftover must not keep the server from starting.
                qCWarning(lcRecording).noquote() << "could not catalogue orphaned file" << record.storagePath << ":" << s.error().toString();
                continue;
            }
            qCWarning(lcRecording).noquote() << "catalogued orphaned file" << id << record.storagePath << "as"
                                             << FileRecord::stateName(record.state);
            paths->insert(id, record.storagePath);
            summary.orphansCatalogued << record;
        }
        // Derived outputs whose file is no longer in the library.
        for (const QFileInfo &folder : dayDir.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            bool ok = false;
            const quint64 id = folder.fileName().toULongLong(&ok);
            if (!ok || paths->contains(id))
                continue;
            QDir(folder.absoluteFilePath()).removeRecursively();
            ++summary.derivedFoldersRemoved;
        }
    }
    return summary;
}

} // namespace roomrec
