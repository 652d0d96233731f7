#pragma once

#include <QRect>
#include <QString>

namespace roomrec {

// What to capture for the sub-stream: a whole screen (empty rect) or a region of it.
struct ScreenRegion {
    QString display;  // X11 display (":0"); empty: $DISPLAY. Ignored elsewhere.
    QRect rect;       // empty: the whole screen
    bool drawCursor = true;
};

} // namespace roomrec
