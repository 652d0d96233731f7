#include "common/blockfont.h"

#include <cstring>

namespace roomrec {

namespace {
// Each glyph: 5 rows of 3 bits (MSB = left column).
struct Glyph { char c; quint8 rows[5]; };
constexpr Glyph kGlyphs[] = {
    {'0', {7, 5, 5, 5, 7}}, {'1', {2, 6, 2, 2, 7}}, {'2', {7, 1, 7, 4, 7}}, {'3', {7, 1, 7, 1, 7}},
    {'4', {5, 5, 7, 1, 1}}, {'5', {7, 4, 7, 1, 7}}, {'6', {7, 4, 7, 5, 7}}, {'7', {7, 1, 1, 1, 1}},
    {'8', {7, 5, 7, 5, 7}}, {'9', {7, 5, 7, 1, 7}}, {'.', {0, 0, 0, 0, 2}}, {':', {0, 2, 0, 2, 0}},
    {'-', {0, 0, 7, 0, 0}}, {'/', {1, 1, 2, 4, 4}}, {' ', {0, 0, 0, 0, 0}},
    {'A', {2, 5, 7, 5, 5}}, {'B', {6, 5, 6, 5, 6}}, {'C', {7, 4, 4, 4, 7}}, {'D', {6, 5, 5, 5, 6}},
    {'E', {7, 4, 6, 4, 7}}, {'F', {7, 4, 6, 4, 4}}, {'G', {7, 4, 5, 5, 7}}, {'H', {5, 5, 7, 5, 5}},
    {'I', {7, 2, 2, 2, 7}}, {'J', {1, 1, 1, 5, 7}}, {'K', {5, 6, 4, 6, 5}}, {'L', {4, 4, 4, 4, 7}},
    {'M', {5, 7, 7, 5, 5}}, {'N', {5, 7, 7, 7, 5}}, {'O', {7, 5, 5, 5, 7}}, {'P', {7, 5, 7, 4, 4}},
    {'Q', {7, 5, 5, 7, 1}}, {'R', {6, 5, 6, 5, 5}}, {'S', {7, 4, 7, 1, 7}}, {'T', {7, 2, 2, 2, 2}},
    {'U', {5, 5, 5, 5, 7}}, {'V', {5, 5, 5, 5, 2}}, {'W', {5, 5, 7, 7, 5}}, {'X', {5, 5, 2, 5, 5}},
    {'Y', {5, 5, 2, 2, 2}}, {'Z', {7, 1, 2, 4, 7}},
};

const quint8 *glyphRows(char c)
{
    if (c >= 'a' && c <= 'z')
        c = char(c - 'a' + 'A');
    for (const Glyph &g : kGlyphs) {
        if (g.c == c)
            return g.rows;
    }
    return nullptr;
}
} // namespace

void BlockFont::draw(quint8 *plane, int linesize, int width, int height, const char *text, int x, int y, int scale,
                     quint8 value)
{
    if (!plane || !text || scale < 1 || width < 1 || height < 1)
        return;
    // Every cell is clipped to [0, width) x [0, height) in 64-bit arithmetic: callers place
    // text relative to the frame's edges, so on a small frame it may start left of or above
    // the plane, or run past it, and only the visible part may be written.
    for (qint64 i = 0; text[i]; ++i) {
        const quint8 *rows = glyphRows(text[i]);
        if (!rows)
            continue;
        const qint64 gx = x + i * 4 * scale;
        if (gx >= width)
            break; // this glyph and every later one start right of the plane
        for (int r = 0; r < 5; ++r) {
            for (int c = 0; c < 3; ++c) {
                if (!(rows[r] & (4 >> c)))
                    continue;
                const qint64 left = qMax<qint64>(0, gx + qint64(c) * scale);
                const qint64 right = qMin<qint64>(width, gx + qint64(c + 1) * scale);
                if (left >= right)
                    continue;
                const qint64 top = qMax<qint64>(0, qint64(y) + qint64(r) * scale);
                const qint64 bottom = qMin<qint64>(height, qint64(y) + qint64(r + 1) * scale);
                for (qint64 py = top; py < bottom; ++py)
                    memset(plane + py * linesize + left, value, size_t(right - left));
            }
        }
    }
}

} // namespace roomrec
