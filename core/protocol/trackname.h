#pragma once

#include "protocol/mediapacket.h"

#include <QString>

#include <optional>

namespace roomrec {

// The wire names of tracks in subscribe, members and drop messages: "camera",
// "sub-stream", "audio" (the camera's audio).
QString trackName(Track track);
std::optional<Track> trackFromName(const QString &name);

} // namespace roomrec
