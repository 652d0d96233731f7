#pragma once

#include <QString>

namespace roomrec {

struct RecorderConfig {
    QString directory;               // where MP4 files go
    qint64 segmentUs = 3600LL * 1'000'000; // a new file at the first key frame after this
    int idleTimeoutMs = 60'000;      // no media this long: the recording ends by itself
    qint64 quotaBytes = 0;           // per user; 0 = unlimited
    qint64 bytesUsedBefore = 0;      // what the user's earlier files already take
    int keyFrameRetryMs = 1000;      // ask the publisher again while waiting for a key frame
    int keyFrameTimeoutMs = 15'000;  // no key frame this long after start/re-publish: KeyFrameTimeout
    qint64 minFreeBytes = 128LL * 1024 * 1024; // below this much free space: refuse / end cleanly
    qint64 backlogBytes = 32LL * 1024 * 1024;   // waiting for the disk beyond this: publisher held back
};

} // namespace roomrec
