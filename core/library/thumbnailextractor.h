#pragma once

#include "common/result.h"

#include <QJsonArray>

#include <atomic>

namespace roomrec {

// The "screenshot" post-processing: a cover picture (at 1 s, or the first frame of a
// shorter file) and a thumbnail every interval, as JPEG files (FFmpeg's MJPEG encoder).
class ThumbnailExtractor {
public:
    struct Options {
        int width = 320;          // thumbnails; the cover keeps the video's size
        double intervalSeconds = 10;
        int maxThumbnails = 12;
        // Set (from any thread) to stop: the call then fails with ServerShuttingDown.
        // Read once a decoded frame.
        const std::atomic_bool *cancel = nullptr;
    };
    // Writes cover.jpg and thumb-NNN.jpg into outputDir; returns the derived outputs. On
    // failure or cancel, the pictures it wrote are removed again.
    static Result<QJsonArray> extract(const QString &videoPath, const QString &outputDir, const Options &options);
};

} // namespace roomrec
