#include "errorhint.h"

#include "protocol/errorcode.h"

#include <QCoreApplication>

namespace roomrec {

QString ErrorHint::forCode(int code)
{
    switch (ErrorCode(code)) {
    case ErrorCode::ConnectionFailed:
        return QCoreApplication::translate("ErrorHint", "Check the server address and that the server is running, or choose Host on this computer.");
    case ErrorCode::ConnectionLost:
    case ErrorCode::ResponseTimeout:
        return QCoreApplication::translate("ErrorHint", "Check the network, then connect again. Recordings on the server keep running for a minute.");
    case ErrorCode::SignatureMissing:
    case ErrorCode::SignatureExpired:
    case ErrorCode::SignatureInvalid:
        return QCoreApplication::translate("ErrorHint", "Ask the server's operator for a new user signature.");
    case ErrorCode::PrivilegeMissing:
    case ErrorCode::NoPermissionForRecording:
        return QCoreApplication::translate("ErrorHint", "Ask the server's operator for a signature with this privilege.");
    case ErrorCode::InvalidFileName:
    case ErrorCode::FileNameTooLong:
        return QCoreApplication::translate("ErrorHint", "Use up to 100 characters without / \\ : * ? \" < > |.");
    case ErrorCode::TooManyTags:
    case ErrorCode::InvalidTag:
        return QCoreApplication::translate("ErrorHint", "Use at most 10 tags of up to 32 characters, without commas.");
    case ErrorCode::RecordingAlreadyRunning:
    case ErrorCode::RecordingAlreadyRunningLocally:
        return QCoreApplication::translate("ErrorHint", "Only one recording per user: stop the running one first.");
    case ErrorCode::OneOnOneRoomNotSupported:
        return QCoreApplication::translate("ErrorHint", "Record in a multi-party room instead.");
    case ErrorCode::InsufficientStorageQuota:
        return QCoreApplication::translate("ErrorHint", "Delete old recordings or ask for a larger quota.");
    case ErrorCode::StreamNotPublished:
        return QCoreApplication::translate("ErrorHint", "Turn on Publish for the stream you want to record.");
    case ErrorCode::NotInRoom:
        return QCoreApplication::translate("ErrorHint", "Join a room first.");
    case ErrorCode::RoomKindMismatch:
        return QCoreApplication::translate("ErrorHint", "This one-on-one room is full; pick another room ID.");
    case ErrorCode::SourceUnavailable:
    case ErrorCode::SourceLost:
        return QCoreApplication::translate("ErrorHint", "Pick another source; the test pattern always works.");
    case ErrorCode::StorageWriteFailed:
        return QCoreApplication::translate("ErrorHint", "Free some disk space; what was recorded so far is kept.");
    default:
        return {};
    }
}

} // namespace roomrec
