#include "protocol/errorcode.h"

#include <QCoreApplication>

namespace roomrec {

namespace {
#define E(name, text) ErrorCodeInfo{ErrorCode::name, #name, QT_TRANSLATE_NOOP("ErrorCode", text)}
const QList<ErrorCodeInfo> kTable = {
    E(MalformedFrame, "The request packet is malformed and could not be read."),
    E(FrameTooLarge, "The request packet is larger than the protocol allows."),
    E(UnknownFrameKind, "The request packet has an unknown frame kind."),
    E(MalformedMessage, "The request message is not a valid control message."),
    E(UnknownMessageType, "The request message type is unknown."),
    E(MissingField, "A required field is missing from the request."),
    E(WrongFieldType, "A field of the request has the wrong type or an out-of-range value."),
    E(UnsupportedProtocolVersion, "The protocol version is not supported by this server."),
    E(HelloRequired, "The first message on a connection must be hello."),
    E(NotSignedIn, "Sign in before using rooms."),
    E(NotInRoom, "Join the room first."),
    E(InvalidRoomId, "The group ID or room ID is not valid."),
    E(InvalidUserId, "The user ID is not valid (1-64 letters, digits, '_', '-', '.', '@')."),
    E(SignInTimeout, "Hello and sign-in did not arrive in time after connecting."),
    E(RequestTooLarge, "The request's head or body is larger than the server allows."),
    E(RequestTimeout, "The request did not arrive completely in time."),
    E(ForbiddenOrigin, "Requests from this web origin or host name are not accepted."),
    E(MemberNotInRoom, "The member (to subscribe to or to record) is not in your room."),
    E(NotSubscribed, "There is no such subscription."),
    E(InvalidFileName, "The file name is not valid (no path separators, control characters or suffix-only names)."),
    E(FileNameTooLong, "The file name is too long (at most 100 characters)."),
    E(TooManyTags, "Too many tags (at most 10)."),
    E(InvalidTag, "A tag is empty, too long (at most 32 characters) or contains a comma or control character."),
    E(InvalidClassId, "The class ID (category) is out of range."),
    E(InvalidRecordDataType, "The record data type must be 0 (camera) or 1 (sub-stream)."),
    E(InvalidSdkType, "The SDK type is not known."),
    E(MalformedMediaPacket, "The media packet is malformed."),
    E(UnknownStream, "Media arrived for a stream that is not published."),
    E(InvalidStreamParams, "The stream parameters are not valid."),
    E(SignatureMissing, "A user signature is required by this server."),
    E(SignatureExpired, "The user signature has expired."),
    E(SignatureInvalid, "The user signature is not valid for this user."),
    E(PrivilegeMissing, "The user signature does not grant this privilege."),
    E(RecordingAlreadyRunning, "A recording is already running for this user; only one recording channel per user is allowed."),
    E(NotRecording, "There is no recording running in this room."),
    E(NotRecordingOwner, "Only the user who started the recording can stop it."),
    E(OneOnOneRoomNotSupported, "Recording is not supported in a one-on-one room."),
    E(NoPermissionForRecording, "The user has no permission for recording."),
    E(InsufficientStorageQuota, "Insufficient storage quota for recording."),
    E(StreamNotPublished, "The stream to record is not being published."),
    E(StorageWriteFailed, "Writing the recording to storage failed."),
    E(MuxerFailed, "The recording server could not write the MP4 file."),
    E(CatalogueFailed, "The video library catalogue could not be updated."),
    E(FileNotFound, "No file with this ID is in the library."),
    E(RoomNotFound, "The room does not exist."),
    E(RoomAlreadyExists, "A room with this group ID and room ID already exists."),
    E(RoomKindMismatch, "The room exists with a different kind."),
    E(ServerShuttingDown, "The server is shutting down."),
    E(NotFileOwner, "The file or recording belongs to another user."),
    E(ServerBusy, "The server has too many connections; try again later."),
    E(StorageFull, "The server's storage is nearly full; recording was refused or ended to keep the files playable."),
    E(FileBusy, "The file is still being finished or processed; try again shortly."),
    E(CatalogueBusy, "The video library catalogue is busy (its database is slow or unreachable); try again shortly."),
    E(NodeUnavailable, "The server of this cluster that holds the file is not running; try again when it is back."),
    E(RoomOnOtherNode, "The room is hosted on another server of this cluster; connect to the address given and join there."),
    E(ObjectStorageFailed, "The object storage did not take or give the file; the server retries uploads by itself."),
    E(MalformedResponse, "The server's response could not be read."),
    E(UnexpectedResponse, "The server sent an unexpected response."),
    E(ResponseTimeout, "The server did not answer in time."),
    E(ConnectionLost, "The connection to the server was lost."),
    E(ConnectionFailed, "Could not connect to the server."),
    E(RecordingAlreadyRunningLocally, "A recording is already running; stop it before starting another."),
    E(NotConnected, "Not connected to a server."),
    E(StreamAlreadyPublished, "This stream is already published."),
    E(EncoderUnavailable, "No usable encoder was found."),
    E(EncoderFailed, "Encoding failed."),
    E(SourceUnavailable, "The capture source is not available."),
    E(SourceLost, "The capture source was lost; a placeholder picture is sent instead."),
    E(KeyFrameTimeout, "No key frame arrived from the publisher in time."),
    E(NotPublishing, "Publish the stream before recording it."),
    E(DecoderUnavailable, "No usable decoder was found."),
    E(DecoderFailed, "Decoding failed."),
};
#undef E
} // namespace

const QList<ErrorCodeInfo> &errorCodeTable()
{
    return kTable;
}

QString errorMessage(int code)
{
    for (const ErrorCodeInfo &info : kTable) {
        if (int(info.code) == code)
            return QCoreApplication::translate("ErrorCode", info.message);
    }
    return QCoreApplication::translate("ErrorCode", "Unknown error.");
}

Error makeError(ErrorCode code, const QString &detail)
{
    QString message = errorMessage(int(code));
    if (!detail.isEmpty())
        message += QStringLiteral(" (") + detail + QLatin1Char(')');
    return Error{int(code), message};
}

} // namespace roomrec
