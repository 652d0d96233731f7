#pragma once

#include "protocol/recordparam.h"
#include "protocol/roominfo.h"
#include "protocol/streamparams.h"

#include <optional>

namespace roomrec {

// Everything a Recorder needs to know about what it records.
struct RecordingRequest {
    quint64 recordingId = 0;
    QString userId;
    RoomInfo room;
    RecordParam param;
    VideoParams video;
    std::optional<AudioParams> audio; // camera recordings carry the camera's audio
};

} // namespace roomrec
