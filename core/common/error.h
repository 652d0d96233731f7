#pragma once

#include <QString>

namespace roomrec {

// An error as users and scripts see it: a numeric code from the table in
// protocol/errorcode.h (the reference guide's ranges) and a message in plain words.
struct Error {
    int code = 0;
    QString message;

    QString toString() const { return QStringLiteral("%1: %2").arg(code).arg(message); }
};

// FFmpeg's own words for an AVERROR value, so failures say what went wrong.
QString avErrorText(int averror);

} // namespace roomrec
