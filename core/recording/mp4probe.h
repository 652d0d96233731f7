#pragma once

#include "common/result.h"

namespace roomrec {

// What libavformat reads back from a finished (or repaired) MP4.
struct Mp4Info {
    qint64 durationUs = 0;
    QString videoCodec;
    QString audioCodec;
    int width = 0;
    int height = 0;
};

class Mp4Probe {
public:
    static Result<Mp4Info> probe(const QString &path);
};

} // namespace roomrec
