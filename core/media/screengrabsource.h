#pragma once

#include "common/ffmpegptr.h"
#include "media/mediaclock.h"
#include "media/screenregion.h"
#include "media/videosource.h"

#include <QImage>
#include <QPointer>

class QScreen;

namespace roomrec {

class ScreenGrabber;

// Fallback screen capture through QScreen::grabWindow, for platforms or sessions where
// the libavdevice grabber is missing (e.g. Wayland). Qt only grabs on the GUI thread, so a
// ScreenGrabber there grabs and posts the pictures here; the cursor is not drawn.
class ScreenGrabSource : public VideoSource {
    Q_OBJECT
public:
    ScreenGrabSource(const MediaClock &clock, QScreen *screen, ScreenRegion region, int fps, QObject *parent = nullptr);

    static bool isAvailable(); // a GUI application with a screen that can be grabbed

    QString description() const override;
    bool isTestSource() const override { return false; }
    QSize frameSize() const override { return m_size; }
    int frameRate() const override { return m_fps; }
    ~ScreenGrabSource() override;
    Status start() override;
    void stop() override;

private:
    void onGrabbed(const QImage &image);

    const MediaClock &m_clock;
    QPointer<QScreen> m_screen;
    ScreenRegion m_region;
    int m_fps;
    QSize m_size;
    QImage m_image;
    AvFramePtr m_frame;
    ScreenGrabber *m_grabber = nullptr; // lives in the GUI thread
};

} // namespace roomrec
