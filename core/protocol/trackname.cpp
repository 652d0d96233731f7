#include "protocol/trackname.h"

namespace roomrec {

QString trackName(Track track)
{
    switch (track) {
    case Track::CameraVideo: return QStringLiteral("camera");
    case Track::SubStreamVideo: return QStringLiteral("sub-stream");
    case Track::CameraAudio: return QStringLiteral("audio");
    }
    return {};
}

std::optional<Track> trackFromName(const QString &name)
{
    for (int t = 0; t < kTrackCount; ++t) {
        if (name == trackName(Track(t)))
            return Track(t);
    }
    return std::nullopt;
}

} // namespace roomrec
