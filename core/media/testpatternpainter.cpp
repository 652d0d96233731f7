#include "media/testpatternpainter.h"

#include <cstdio>
#include <cstring>

namespace roomrec {

namespace {
// 3x5 block font: each glyph is 5 rows of 3 bits (MSB = left column).
struct Glyph { char c; quint8 rows[5]; };
constexpr Glyph kGlyphs[] = {
    {'0', {7, 5, 5, 5, 7}}, {'1', {2, 6, 2, 2, 7}}, {'2', {7, 1, 7, 4, 7}}, {'3', {7, 1, 7, 1, 7}},
    {'4', {5, 5, 7, 1, 1}}, {'5', {7, 4, 7, 1, 7}}, {'6', {7, 4, 7, 5, 7}}, {'7', {7, 1, 1, 1, 1}},
    {'8', {7, 5, 7, 5, 7}}, {'9', {7, 5, 7, 1, 7}}, {'.', {0, 0, 0, 0, 2}}, {':', {0, 2, 0, 2, 0}},
    {'T', {7, 2, 2, 2, 2}}, {'E', {7, 4, 6, 4, 7}}, {'S', {7, 4, 7, 1, 7}}, {'P', {7, 5, 7, 4, 4}},
    {'A', {2, 5, 7, 5, 5}}, {'R', {6, 5, 6, 5, 5}}, {'N', {5, 7, 7, 7, 5}}, {'F', {7, 4, 6, 4, 4}},
    {'M', {5, 7, 7, 5, 5}}, {'-', {0, 0, 7, 0, 0}}, {' ', {0, 0, 0, 0, 0}}, {'C', {7, 4, 4, 4, 7}},
    {'L', {4, 4, 4, 4, 7}}, {'O', {7, 5, 5, 5, 7}}, {'I', {7, 2, 2, 2, 7}}, {'H', {5, 5, 7, 5, 5}}, {'G', {7, 4, 5, 5, 7}},
    {'U', {5, 5, 5, 5, 7}}, {'D', {6, 5, 5, 5, 6}}, {'K', {5, 6, 4, 6, 5}}, {'V', {5, 5, 5, 5, 2}}, {'B', {6, 5, 6, 5, 6}},
};

const quint8 *glyphRows(char c)
{
    for (const Glyph &g : kGlyphs) {
        if (g.c == c)
            return g.rows;
    }
    return nullptr;
}
} // namespace

void TestPatternPainter::paint(AVFrame *frame, qint64 frameNumber, qint64 captureMs, bool flash)
{
    const int w = frame->width;
    const int h = frame->height;
    const int shift = int(frameNumber * 4);
    for (int y = 0; y < h; ++y) {
        quint8 *row = frame->data[0] + qsizetype(y) * frame->linesize[0];
        if (flash) {
            memset(row, 235, size_t(w));
            continue;
        }
        for (int x = 0; x < w; ++x)
            row[x] = quint8(16 + (((x + y + shift) >> 2) & 0x7F));
    }
    for (int y = 0; y < h / 2; ++y) {
        quint8 *u = frame->data[1] + qsizetype(y) * frame->linesize[1];
        quint8 *v = frame->data[2] + qsizetype(y) * frame->linesize[2];
        for (int x = 0; x < w / 2; ++x) {
            u[x] = flash ? 128 : quint8(64 + ((x * 128) / (w / 2)));
            v[x] = flash ? 128 : quint8(64 + ((y * 128) / (h / 2)));
        }
    }
    if (!flash) {
        // A box bouncing left-right and up-down: motion an encoder has to work for.
        const int box = qMax(16, h / 6);
        const int spanX = qMax(1, w - box), spanY = qMax(1, h - box);
        const int px = int((frameNumber * 7) % (2 * spanX));
        const int py = int((frameNumber * 5) % (2 * spanY));
        const int bx = px < spanX ? px : 2 * spanX - px;
        const int by = py < spanY ? py : 2 * spanY - py;
        for (int y = by; y < by + box && y < h; ++y)
            memset(frame->data[0] + qsizetype(y) * frame->linesize[0] + bx, 220, size_t(qMin(box, w - bx)));
    }
    const int scale = qMax(2, h / 90);
    char line[64];
    std::snprintf(line, sizeof line, "TEST PATTERN");
    drawText(frame, line, scale * 4, scale * 4, scale, flash ? 16 : 235);
    std::snprintf(line, sizeof line, "F %07lld", static_cast<long long>(frameNumber));
    drawText(frame, line, scale * 4, scale * 12, scale, flash ? 16 : 235);
    std::snprintf(line, sizeof line, "T %lld.%03lld", static_cast<long long>(captureMs / 1000),
                  static_cast<long long>(captureMs % 1000));
    drawText(frame, line, scale * 4, scale * 20, scale, flash ? 16 : 235);
}

void TestPatternPainter::drawText(AVFrame *frame, const char *text, int x, int y, int scale, quint8 luma)
{
    for (int i = 0; text[i]; ++i) {
        const quint8 *rows = glyphRows(text[i]);
        if (!rows)
            continue;
        const int gx = x + i * 4 * scale;
        for (int r = 0; r < 5; ++r) {
            for (int c = 0; c < 3; ++c) {
                if (!(rows[r] & (4 >> c)))
                    continue;
                for (int dy = 0; dy < scale; ++dy) {
                    const int py = y + r * scale + dy;
                    const int px = gx + c * scale;
                    if (py >= frame->height || px + scale > frame->width)
                        continue;
                    memset(frame->data[0] + qsizetype(py) * frame->linesize[0] + px, luma, size_t(scale));
                }
            }
        }
    }
}

} // namespace roomrec
