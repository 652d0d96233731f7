#include "recording/crashrecovery.h"

#include "common/logging.h"
#include "recording/hybridmp4finisher.h"
#include "recording/mp4probe.h"
#include "recording/mp4repair.h"

#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

namespace roomrec {

Result<QList<FileRecord>> CrashRecovery::recover(Catalog &catalog, const QString &recordingsDir)
{
    // Left by versions that finished files by copying them to NAME.finalizing: the original
    // is still there (drop the copy), or, on Windows only, the copy is complete and the
    // original already gone (put it back). Files are finished in place now.
    QDirIterator it(recordingsDir, {QStringLiteral("*.finalizing")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString tmp = it.next();
        const QString original = tmp.chopped(int(QStringLiteral(".finalizing").size()));
        if (QFile::exists(original))
            QFile::remove(tmp);
        else
            QFile::rename(tmp, original);
    }
    auto unfinished = catalog.inState(FileRecord::State::Recording);
    if (!unfinished)
        return unfinished.error();
    QList<FileRecord> recovered;
    for (FileRecord record : unfinished.value()) {
        record.endReason = QStringLiteral("recovered");
        record.endedAt = QFileInfo(record.storagePath).lastModified().toUTC();
        auto repaired = Mp4Repair::repair(record.storagePath);
        const bool empty = QFileInfo(record.storagePath).exists() && QFileInfo(record.storagePath).size() == 0;
        if ((repaired && repaired->fragments == 0) || empty) {
            // Killed right after the segment was opened (a cut, a start): no media reached the
            // file, so there is nothing to recover. A catalogued file with no frames would only
            // mislead; the file goes, then the row (the reconciler drops a row without a file).
            qCInfo(lcRecording) << "file" << record.id << record.storagePath << "had no media yet: removed";
            if (QFile::remove(record.storagePath)) {
                if (Status s = catalog.remove(record.id); !s)
                    return s.error();
                continue;
            }
        }
        qint64 size = repaired ? repaired->repairedSize : 0;
        if (repaired) {
            // Repaired, it is a closed fragmented file like any other: finished the same way
            // (in place, a complete moov appended). Failing that it stays fragmented.
            if (auto finished = HybridMp4Finisher::finish(record.storagePath))
                size = finished->sizeAfter;
            else
                qCWarning(lcRecording).noquote() << "recovered file" << record.id << "kept fragmented:"
                                                 << finished.error().toString();
        }
        auto info = repaired ? Mp4Probe::probe(record.storagePath) : Result<Mp4Info>(repaired.error());
        if (info) {
            record.state = FileRecord::State::Recovered;
            record.sizeBytes = size;
            record.durationUs = info->durationUs;
            qCInfo(lcRecording) << "recovered file" << record.id << record.storagePath << record.durationUs / 1000
                                << "ms," << repaired->fragments << "fragments";
        } else {
            record.state = FileRecord::State::Failed;
            record.sizeBytes = QFileInfo(record.storagePath).size();
            qCWarning(lcRecording).noquote() << "could not recover file" << record.id << ":" << info.error().toString();
        }
        if (Status s = catalog.update(record); !s)
            return s.error();
        recovered << record;
    }
    return recovered;
}

} // namespace roomrec
