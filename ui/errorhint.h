#pragma once

#include <QString>

namespace roomrec {

// What a user can do about an error, in plain words ("" when there is nothing to add).
class ErrorHint {
public:
    static QString forCode(int code);
};

} // namespace roomrec
