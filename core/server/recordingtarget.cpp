#include "server/recordingtarget.h"

#include "protocol/errorcode.h"
#include "protocol/protocollimits.h"
#include "server/clientsession.h"
#include "server/room.h"

#include <algorithm>

namespace roomrec {

Result<QString> RecordingTarget::of(const ClientSession &caller, const ControlMessage &request, const RoomInfo &room,
                                    const Room *roomState, Membership membership)
{
    auto userId = request.stringOr(QStringLiteral("userId"), {}, protocol::kMaxUserIdChars);
    if (!userId)
        return userId.error();
    if (userId->isEmpty() || userId.value() == caller.userId)
        return caller.userId; // the caller's own recording: the rules of their own requests
    if (!UserSignature::isValidUserId(userId.value()))
        return makeError(ErrorCode::InvalidUserId);
    // In the order of the HTTP API (callerOf, then recordingBody).
    if (!(caller.privileges & UserSignature::Record))
        return makeError(ErrorCode::NoPermissionForRecording);
    if (!(caller.privileges & UserSignature::Admin))
        return makeError(ErrorCode::PrivilegeMissing, QStringLiteral("admin: acting for another user"));
    if (!caller.room || !(*caller.room == room))
        return makeError(ErrorCode::NotInRoom);
    if (membership == Membership::Required) {
        const bool member = roomState && std::any_of(roomState->members.cbegin(), roomState->members.cend(),
                                                     [&](const ClientSession *s) { return s->userId == userId.value(); });
        if (!member)
            return makeError(ErrorCode::MemberNotInRoom, userId.value());
    }
    return userId.value();
}

} // namespace roomrec
