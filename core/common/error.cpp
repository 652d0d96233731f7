#include "common/error.h"

extern "C" {
#include <libavutil/error.h>
}

namespace roomrec {

QString avErrorText(int averror)
{
    char buffer[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(averror, buffer, sizeof buffer);
    return QString::fromUtf8(buffer);
}

} // namespace roomrec
