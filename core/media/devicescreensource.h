#pragma once

#include "common/ffmpegptr.h"
#include "media/mediaclock.h"
#include "media/screenregion.h"
#include "media/videosource.h"

#include <QTimer>

namespace roomrec {

// Screen capture through libavdevice, the platform's grabber chosen at build time:
// x11grab (XShm) on Linux/X11, gdigrab on Windows, avfoundation on macOS. Reads are
// non-blocking and paced by a timer, so the publish thread never stalls on the grabber.
class DeviceScreenSource : public VideoSource {
    Q_OBJECT
public:
    DeviceScreenSource(const MediaClock &clock, ScreenRegion region, int fps, QObject *parent = nullptr);
    ~DeviceScreenSource() override;

    static QString grabberName(); // "x11grab", "gdigrab", "avfoundation"
    static bool isAvailable();    // the grabber is compiled into this FFmpeg

    QString description() const override;
    bool isTestSource() const override { return false; }
    QSize frameSize() const override { return m_size; }
    int frameRate() const override { return m_fps; }
    // Opens the device (also used to learn the size before the encoder is opened).
    Status open();
    Status start() override;
    void stop() override;

private:
    void tick();

    const MediaClock &m_clock;
    ScreenRegion m_region;
    int m_fps;
    QSize m_size;
    AvInputFormatContextPtr m_input;
    AvPacketPtr m_packet;
    AvFramePtr m_frame;
    AVPixelFormat m_format = AV_PIX_FMT_NONE;
    int m_stride = 0;
    QTimer m_timer{this};
};

} // namespace roomrec
