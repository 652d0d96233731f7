#pragma once

#include "library/filerecord.h"
#include "storage/s3config.h"

#include <QList>
#include <QString>

namespace roomrec {

// What of a finished file still has to go to the object store: the MP4 itself and each
// derived output (cover, thumbnails, renditions, watermarked copy) not stored yet, each with
// its object key "<prefix>/<file ID>/<name>". Names are reduced to [A-Za-z0-9._-] so keys
// never need escaping.
class UploadPlan {
public:
    struct Item {
        QString localPath;
        QString key;
        int derivedIndex = -1; // -1: the recording itself; else its index in FileRecord::derived
    };

    static QList<Item> of(const FileRecord &record, const S3Config &config);
    static QString keyFor(const FileRecord &record, const QString &localPath, const S3Config &config);
    // Every key the file has in the store (the recording and its derived outputs).
    static QStringList storedKeys(const FileRecord &record);
};

} // namespace roomrec
