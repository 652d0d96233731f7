// Screen capture cost at the screen's size (1080p under `xvfb-run -s "-screen 0 1920x1080x24"`):
// libavdevice's x11grab (XShm) vs Qt's QScreen::grabWindow, ms per frame side by side.
// Usage: bench_screen [frames=120]
#include "cpuclock.h"

#include <QElapsedTimer>
#include <QGuiApplication>
#include <QPixmap>
#include <QScreen>
#include <cstdio>

extern "C" {
#include <libavdevice/avdevice.h>
#include <libavformat/avformat.h>
}

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "xcb");
    QGuiApplication app(argc, argv);
    const int frames = argc > 1 ? QString::fromLatin1(argv[1]).toInt() : 120;
    const QSize size = QGuiApplication::primaryScreen()->geometry().size();
    std::printf("bench_screen: %d grabs of a %dx%d screen on %s\n", frames, size.width(), size.height(), qgetenv("DISPLAY").constData());
    std::printf("%-22s %14s %14s\n", "grabber", "CPU ms/frame", "wall ms/frame");

    avdevice_register_all();
    AVDictionary *options = nullptr;
    av_dict_set(&options, "framerate", "1000", 0); // never wait: measure the grab itself
    av_dict_set(&options, "draw_mouse", "1", 0);
    AVFormatContext *input = nullptr;
    if (avformat_open_input(&input, qgetenv("DISPLAY").constData(), av_find_input_format("x11grab"), &options) == 0) {
        AVPacket *packet = av_packet_alloc();
        av_read_frame(input, packet); // warm up (XShm segment)
        av_packet_unref(packet);
        const double cpu0 = CpuClock::self();
        QElapsedTimer wall;
        wall.start();
        for (int i = 0; i < frames; ++i) {
            av_read_frame(input, packet);
            av_packet_unref(packet);
        }
        std::printf("%-22s %14.2f %14.2f\n", "x11grab (libavdevice)", (CpuClock::self() - cpu0) * 1000 / frames,
                    wall.nsecsElapsed() / 1e6 / frames);
        av_packet_free(&packet);
        avformat_close_input(&input);
    } else {
        std::printf("%-22s %s\n", "x11grab (libavdevice)", "could not open the display");
    }
    av_dict_free(&options);

    QScreen *screen = QGuiApplication::primaryScreen();
    (void)screen->grabWindow(0).toImage();
    const double cpu0 = CpuClock::self();
    QElapsedTimer wall;
    wall.start();
    for (int i = 0; i < frames; ++i) {
        const QImage image = screen->grabWindow(0).toImage();
        Q_UNUSED(image);
    }
    std::printf("%-22s %14.2f %14.2f\n", "QScreen::grabWindow", (CpuClock::self() - cpu0) * 1000 / frames,
                wall.nsecsElapsed() / 1e6 / frames);
    return 0;
}
