#pragma once

#include "common/result.h"
#include "protocol/controlmessage.h"
#include "protocol/roominfo.h"

namespace roomrec {

class ClientSession;
struct Room;

// Whose recording a protocol request (startRecording, stopRecording, recordingResult) is
// about: the caller's own (no `userId`, or the caller's), or another member's. Acting for
// another user follows the HTTP API's rules (a backend's `userId`): the caller needs the
// `record` and `admin` privileges; on the protocol port the caller must also be in that
// room, and, to start, the user must be a member of it (a stop or a result query may come
// after they left: the recording is that room's, RecordingService checks it).
class RecordingTarget {
public:
    enum class Membership { Required, NotRequired };

    // The user ID to act for (the caller's own when the request names nobody else), or the
    // coded error to answer: 30000007 bad field, 30000013 invalid user ID, 30000204 no
    // `record`, 30000043 no `admin`, 30000011 caller not in that room, 30000018 the user is
    // not a member of it.
    static Result<QString> of(const ClientSession &caller, const ControlMessage &request, const RoomInfo &room,
                              const Room *roomState, Membership membership);
};

} // namespace roomrec
