#pragma once

#include <QtGlobal>

#include <cstring>

namespace roomrec {

// A 3x5 block font drawn straight into an 8-bit plane (the luma of a YUV frame): digits,
// capitals and ". : - /". Needs no font files or GUI, so capture test sources and the
// server's watermarking can both use it.
class BlockFont {
public:
    // Writes only inside the width x height plane: text placed partly (or wholly) outside
    // it is clipped, whatever x, y and scale are.
    static void draw(quint8 *plane, int linesize, int width, int height, const char *text, int x, int y, int scale,
                     quint8 value);
    static int textWidth(const char *text, int scale) { return int(std::strlen(text)) * 4 * scale; }
    static int textHeight(int scale) { return 5 * scale; }
};

} // namespace roomrec
