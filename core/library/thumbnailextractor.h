#pragma once

#include "common/result.h"

#include <QJsonArray>

namespace roomrec {

// The "screenshot" post-processing: a cover picture (at 1 s, or the first frame of a
// shorter file) and a thumbnail every interval, as JPEG files (FFmpeg's MJPEG encoder).
class ThumbnailExtractor {
public:
    struct Options {
        int width = 320;          // thumbnails; the cover keeps the video's size
        double intervalSeconds = 10;
        int maxThumbnails = 12;
    };
    // Writes cover.jpg and thumb-NNN.jpg into outputDir; returns the derived outputs.
    static Result<QJsonArray> extract(const QString &videoPath, const QString &outputDir, const Options &options);
};

} // namespace roomrec
