#include "media/testpatternpainter.h"

#include "common/blockfont.h"

#include <cstdio>
#include <cstring>

namespace roomrec {


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
    BlockFont::draw(frame->data[0], frame->linesize[0], frame->width, frame->height, text, x, y, scale, luma);
}

} // namespace roomrec
