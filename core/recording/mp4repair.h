#pragma once

#include "common/result.h"

namespace roomrec {

// Makes a fragmented MP4 cut off by a crash playable: walks the top-level boxes and
// truncates the file after the last complete moof+mdat pair, dropping a half-written
// fragment. Never touches a file whose header (ftyp+moov) is incomplete: that is an error.
class Mp4Repair {
public:
    struct Outcome {
        qint64 originalSize = 0;
        qint64 repairedSize = 0;
        int fragments = 0;
    };
    static Result<Outcome> repair(const QString &path);
};

} // namespace roomrec
