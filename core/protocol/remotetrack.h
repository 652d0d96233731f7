#pragma once

#include "common/result.h"
#include "protocol/mediapacket.h"
#include "protocol/streamparams.h"

#include <QCborMap>
#include <QString>

#include <optional>

namespace roomrec {

// A track another member publishes, as `subscribe` answers and `trackPublished` tells:
// who, which track, the stream parameters a decoder or muxer needs, and the publisher's
// wall clock at pts 0 (µs since 1970), when it said, for capture-to-receive latency.
struct RemoteTrack {
    QString userId;
    Track track = Track::CameraVideo;
    std::optional<VideoParams> video;
    std::optional<AudioParams> audio;
    std::optional<qint64> clockEpochUs;

    static Result<RemoteTrack> fromCbor(const QCborMap &map);
};

} // namespace roomrec
