#pragma once

#include "common/error.h"

#include <QList>

namespace roomrec {

// Every error code RoomRec reports, in the reference guide's ranges:
//   30000000-30000099  the request packet could not be resolved (client sent something bad)
//   30000200-30000299  the recording server failed or refused
//   30000300-30000399  the response packet could not be resolved (client side)
//   30000400-30000499  stream control (capture, encoding, publishing)
// docs/errors.md lists them; tests check that every code has a message.
enum class ErrorCode : int {
    // --- request packet ---
    MalformedFrame = 30000001,
    FrameTooLarge = 30000002,
    UnknownFrameKind = 30000003,
    MalformedMessage = 30000004,
    UnknownMessageType = 30000005,
    MissingField = 30000006,
    WrongFieldType = 30000007,
    UnsupportedProtocolVersion = 30000008,
    HelloRequired = 30000009,
    NotSignedIn = 30000010,
    NotInRoom = 30000011,
    InvalidRoomId = 30000012,
    InvalidUserId = 30000013,
    SignInTimeout = 30000014,
    RequestTooLarge = 30000015,
    RequestTimeout = 30000016,
    ForbiddenOrigin = 30000017,
    MemberNotInRoom = 30000018,
    NotSubscribed = 30000019,
    InvalidFileName = 30000020,
    FileNameTooLong = 30000021,
    TooManyTags = 30000022,
    InvalidTag = 30000023,
    InvalidClassId = 30000024,
    InvalidRecordDataType = 30000025,
    InvalidSdkType = 30000026,
    MalformedMediaPacket = 30000030,
    UnknownStream = 30000031,
    InvalidStreamParams = 30000032,
    SignatureMissing = 30000040,
    SignatureExpired = 30000041,
    SignatureInvalid = 30000042,
    PrivilegeMissing = 30000043,
    // --- recording server ---
    RecordingAlreadyRunning = 30000200,
    NotRecording = 30000201,
    NotRecordingOwner = 30000202,
    OneOnOneRoomNotSupported = 30000203,
    NoPermissionForRecording = 30000204,
    InsufficientStorageQuota = 30000205,
    StreamNotPublished = 30000206,
    StorageWriteFailed = 30000207,
    MuxerFailed = 30000208,
    CatalogueFailed = 30000209,
    FileNotFound = 30000210,
    RoomNotFound = 30000211,
    RoomAlreadyExists = 30000212,
    RoomKindMismatch = 30000213,
    ServerShuttingDown = 30000214,
    NotFileOwner = 30000215,
    ServerBusy = 30000216,
    StorageFull = 30000217,
    FileBusy = 30000218,
    CatalogueBusy = 30000219,
    RoomOnOtherNode = 30000230,
    NodeUnavailable = 30000231,
    ObjectStorageFailed = 30000232,
    // --- response packet (client side) ---
    MalformedResponse = 30000300,
    UnexpectedResponse = 30000301,
    ResponseTimeout = 30000302,
    ConnectionLost = 30000303,
    ConnectionFailed = 30000304,
    RecordingAlreadyRunningLocally = 30000305,
    NotConnected = 30000306,
    // --- stream control ---
    StreamAlreadyPublished = 30000400,
    EncoderUnavailable = 30000401,
    EncoderFailed = 30000402,
    SourceUnavailable = 30000403,
    SourceLost = 30000404,
    KeyFrameTimeout = 30000405,
    NotPublishing = 30000406,
    DecoderUnavailable = 30000407,
    DecoderFailed = 30000408,
};

struct ErrorCodeInfo {
    ErrorCode code;
    const char *name;    // stable identifier, e.g. "RecordingAlreadyRunning"
    const char *message; // English source text, translated at lookup
};

// The whole table, in code order.
const QList<ErrorCodeInfo> &errorCodeTable();

// The (translated) message for a code; a generic text for unknown codes.
QString errorMessage(int code);

// Convenience: an Error with the table's message, optionally followed by detail.
Error makeError(ErrorCode code, const QString &detail = {});

} // namespace roomrec
