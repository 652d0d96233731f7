#include "media/screengrabsource.h"

#include "media/avframewrap.h"
#include "protocol/errorcode.h"

#include <QGuiApplication>
#include <QPixmap>
#include <QScreen>
#include <QThread>

namespace roomrec {

ScreenGrabSource::ScreenGrabSource(const MediaClock &clock, QScreen *screen, ScreenRegion region, int fps, QObject *parent)
    : VideoSource(parent), m_clock(clock), m_screen(screen), m_region(std::move(region)), m_fps(qBound(1, fps, 60))
{
    const QSize full = screen ? screen->geometry().size() * screen->devicePixelRatio() : QSize();
    const QSize wanted = m_region.rect.isEmpty() ? full : m_region.rect.size();
    m_size = QSize(wanted.width() & ~1, wanted.height() & ~1);
    connect(&m_timer, &QTimer::timeout, this, &ScreenGrabSource::tick);
}

bool ScreenGrabSource::isAvailable()
{
    return qobject_cast<QGuiApplication *>(QCoreApplication::instance()) && QGuiApplication::primaryScreen()
           && QGuiApplication::platformName() != QLatin1String("offscreen")
           && QGuiApplication::platformName() != QLatin1String("minimal");
}

QString ScreenGrabSource::description() const
{
    return tr("Screen %1 (Qt screen grab)").arg(m_screen ? m_screen->name() : QString());
}

Status ScreenGrabSource::start()
{
    if (!m_screen || m_size.isEmpty())
        return makeError(ErrorCode::SourceUnavailable, QStringLiteral("no screen to grab"));
    m_frame.reset(av_frame_alloc());
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.start(1000 / m_fps);
    return success();
}

void ScreenGrabSource::stop()
{
    m_timer.stop();
}

void ScreenGrabSource::tick()
{
    QImage grabbed;
    auto grab = [&] {
        if (!m_screen)
            return;
        const QRect r = m_region.rect;
        grabbed = (r.isEmpty() ? m_screen->grabWindow(0) : m_screen->grabWindow(0, r.x(), r.y(), r.width(), r.height()))
                      .toImage();
    };
    if (QThread::currentThread() == qApp->thread())
        grab();
    else
        QMetaObject::invokeMethod(qApp, grab, Qt::BlockingQueuedConnection);
    if (grabbed.isNull()) {
        m_timer.stop();
        emit errorOccurred(int(ErrorCode::SourceLost), tr("the screen could not be grabbed"));
        return;
    }
    m_image = grabbed.convertToFormat(QImage::Format_RGB32);
    if (AvFrameWrap::wrapPacked(m_frame.get(), AV_PIX_FMT_BGRA, m_size, m_image.bits(), int(m_image.bytesPerLine())))
        emit frameCaptured(m_frame.get(), m_clock.nowUs());
}

} // namespace roomrec
