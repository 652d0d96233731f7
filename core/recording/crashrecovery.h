#pragma once

#include "library/catalog.h"

namespace roomrec {

// Run at server start: every catalogue row still in state "recording" belongs to a
// recording the previous process never finished (killed, crashed, power cut). Its file is
// repaired to the last complete fragment, finished into a regular MP4 in place
// (HybridMp4Finisher), probed, and catalogued as "recovered" under the same file ID. Files
// that cannot be read are marked "failed" and kept for inspection; a file that holds no media
// yet (killed right after a segment was opened) is removed with its row.
class CrashRecovery {
public:
    // recordingsDir: where older versions' finalization may have left NAME.finalizing files.
    static Result<QList<FileRecord>> recover(Catalog &catalog, const QString &recordingsDir);
};

} // namespace roomrec
