#pragma once

#include "library/catalog.h"

namespace roomrec {

// Run at server start, after CrashRecovery: makes the catalogue and the recordings folder
// agree, so the library never points at a missing file and no file lies outside it.
//  - A row whose file is gone (deleted by hand, lost with a disk) is dropped, with a warning.
//  - An MP4 with no row (the row's insert did not survive a power cut, the file's synced
//    fragments did) is repaired, probed and catalogued as "recovered" under the ID in its
//    name ("NAME-ID.mp4"); its owner is unknown (empty user), so only admins see it.
//  - Derived outputs (the "ID/" folders of covers, thumbnails, renditions) of files no longer
//    in the catalogue are removed.
class LibraryReconciler {
public:
    struct Summary {
        int rowsDropped = 0;
        QList<FileRecord> orphansCatalogued;
        int derivedFoldersRemoved = 0;
    };
    static Result<Summary> reconcile(Catalog &catalog, const QString &recordingsDir);
};

} // namespace roomrec
