#include "media/screengrabber.h"

#include <QPixmap>
#include <QScreen>

namespace roomrec {

ScreenGrabber::ScreenGrabber(QScreen *screen, ScreenRegion region, int fps)
    : m_screen(screen), m_region(std::move(region)), m_fps(qBound(1, fps, 60))
{
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &ScreenGrabber::grab);
}

void ScreenGrabber::start()
{
    m_timer.start(1000 / m_fps);
}

void ScreenGrabber::grab()
{
    QImage image;
    if (m_screen) {
        const QRect r = m_region.rect;
        image = (r.isEmpty() ? m_screen->grabWindow(0) : m_screen->grabWindow(0, r.x(), r.y(), r.width(), r.height()))
                    .toImage();
    }
    if (image.isNull())
        m_timer.stop();
    emit grabbed(image);
}

} // namespace roomrec
