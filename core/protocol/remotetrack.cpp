#include "protocol/remotetrack.h"

#include "protocol/errorcode.h"
#include "protocol/trackname.h"

namespace roomrec {

Result<RemoteTrack> RemoteTrack::fromCbor(const QCborMap &map)
{
    RemoteTrack out;
    out.userId = map.value(QStringLiteral("userId")).toString();
    const auto track = trackFromName(map.value(QStringLiteral("track")).toString());
    if (out.userId.isEmpty() || !track)
        return makeError(ErrorCode::MalformedResponse, QStringLiteral("track without user or name"));
    out.track = *track;
    if (out.track == Track::CameraAudio) {
        auto audio = AudioParams::fromCbor(map.value(QStringLiteral("audio")).toMap());
        if (!audio)
            return makeError(ErrorCode::MalformedResponse, audio.error().message);
        out.audio = audio.value();
    } else {
        auto video = VideoParams::fromCbor(map.value(QStringLiteral("video")).toMap());
        if (!video)
            return makeError(ErrorCode::MalformedResponse, video.error().message);
        out.video = video.value();
    }
    const QCborValue epoch = map.value(QStringLiteral("clockEpochUs"));
    if (epoch.isInteger())
        out.clockEpochUs = epoch.toInteger();
    return out;
}

} // namespace roomrec
