// Build-time tool: renders the SVG application icon to the PNG sizes a platform wants and
// packs them into a macOS .icns or a Windows .ico, so only the SVG is kept in the tree.
//   roomrec_icontool png SVG SIZE OUT.png
//   roomrec_icontool icns SVG OUT.icns
//   roomrec_icontool ico SVG OUT.ico
#include <QBuffer>
#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <QtEndian>
#include <cstdio>

namespace {

QByteArray renderPng(QSvgRenderer &svg, int size)
{
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    svg.render(&painter);
    painter.end();
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return png;
}

void appendBe32(QByteArray &out, quint32 v)
{
    char b[4];
    qToBigEndian(v, b);
    out.append(b, 4);
}

void appendLe(QByteArray &out, quint32 v, int bytes)
{
    for (int i = 0; i < bytes; ++i)
        out.append(char((v >> (8 * i)) & 0xff));
}

// .icns: "icns", total length, then (type, length incl. 8-byte header, PNG) per image.
// PNG payloads are valid for these types since macOS 10.7.
QByteArray icns(QSvgRenderer &svg)
{
    const struct { const char *type; int size; } entries[] = {
        {"icp4", 16}, {"icp5", 32}, {"icp6", 64}, {"ic07", 128}, {"ic08", 256}, {"ic09", 512},
        {"ic10", 1024}, {"ic11", 32}, {"ic12", 64}, {"ic13", 256}, {"ic14", 512}};
    QByteArray body;
    for (const auto &e : entries) {
        const QByteArray png = renderPng(svg, e.size);
        body.append(e.type, 4);
        appendBe32(body, quint32(png.size() + 8));
        body.append(png);
    }
    QByteArray out("icns");
    appendBe32(out, quint32(body.size() + 8));
    return out + body;
}

// .ico: ICONDIR, one 16-byte ICONDIRENTRY per image, then the PNG images (Windows Vista+).
QByteArray ico(QSvgRenderer &svg)
{
    const int sizes[] = {16, 24, 32, 48, 64, 128, 256};
    const int count = int(std::size(sizes));
    QByteArray header, images;
    appendLe(header, 0, 2);
    appendLe(header, 1, 2); // type: icon
    appendLe(header, quint32(count), 2);
    quint32 offset = 6 + 16 * count;
    for (int size : sizes) {
        const QByteArray png = renderPng(svg, size);
        header.append(char(size >= 256 ? 0 : size)); // 0 means 256
        header.append(char(size >= 256 ? 0 : size));
        appendLe(header, 0, 2);  // no palette, reserved
        appendLe(header, 1, 2);  // planes
        appendLe(header, 32, 2); // bits per pixel
        appendLe(header, quint32(png.size()), 4);
        appendLe(header, offset, 4);
        offset += quint32(png.size());
        images.append(png);
    }
    return header + images;
}

} // namespace

int main(int argc, char *argv[])
{
    // No window is shown; the offscreen platform works on build machines without a display.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    const QStringList args = app.arguments();
    const QString mode = args.value(1);
    const bool png = mode == QLatin1String("png");
    if (!(args.size() == 4 || (png && args.size() == 5)) || !(png || mode == QLatin1String("icns") || mode == QLatin1String("ico"))) {
        std::fprintf(stderr, "usage: roomrec_icontool png SVG SIZE OUT | icns SVG OUT | ico SVG OUT\n");
        return 2;
    }
    QSvgRenderer svg(args.at(2));
    if (!svg.isValid()) {
        std::fprintf(stderr, "roomrec_icontool: cannot read %s\n", qPrintable(args.at(2)));
        return 1;
    }
    const int size = png ? args.at(3).toInt() : 0;
    if (png && (size < 1 || size > 4096)) {
        std::fprintf(stderr, "roomrec_icontool: bad size %s\n", qPrintable(args.at(3)));
        return 2;
    }
    const QByteArray data = png ? renderPng(svg, size) : mode == QLatin1String("icns") ? icns(svg) : ico(svg);
    QFile out(args.last());
    if (!out.open(QIODevice::WriteOnly) || out.write(data) != data.size() || !out.flush()) {
        std::fprintf(stderr, "roomrec_icontool: cannot write %s: %s\n", qPrintable(args.last()), qPrintable(out.errorString()));
        return 1;
    }
    return 0;
}
