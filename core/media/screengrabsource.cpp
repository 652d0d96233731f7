#include "media/screengrabsource.h"

#include "media/avframewrap.h"
#include "media/screengrabber.h"
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
}

ScreenGrabSource::~ScreenGrabSource()
{
    stop();
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
    if (m_grabber)
        return success();
    m_frame.reset(av_frame_alloc());
    m_grabber = new ScreenGrabber(m_screen, m_region, m_fps);
    // Queued both ways: the grabber runs in the GUI thread, this source in its worker.
    connect(m_grabber, &ScreenGrabber::grabbed, this, &ScreenGrabSource::onGrabbed, Qt::QueuedConnection);
    m_grabber->moveToThread(qApp->thread());
    QMetaObject::invokeMethod(m_grabber, &ScreenGrabber::start, Qt::QueuedConnection);
    return success();
}

void ScreenGrabSource::stop()
{
    if (!m_grabber)
        return;
    // No waiting for the GUI thread: pictures already on their way are dropped with the
    // connection, the grabber goes when the GUI thread gets to it.
    disconnect(m_grabber, nullptr, this, nullptr);
    m_grabber->deleteLater();
    m_grabber = nullptr;
}

void ScreenGrabSource::onGrabbed(const QImage &grabbed)
{
    if (!m_grabber)
        return;
    if (grabbed.isNull()) {
        stop();
        emit errorOccurred(int(ErrorCode::SourceLost), tr("the screen could not be grabbed"));
        return;
    }
    if (grabbed.width() < m_size.width() || grabbed.height() < m_size.height())
        return; // the screen shrank under the region: never read past the picture
    m_image = grabbed.convertToFormat(QImage::Format_RGB32);
    if (AvFrameWrap::wrapPacked(m_frame.get(), AV_PIX_FMT_BGRA, m_size, m_image.bits(), int(m_image.bytesPerLine())))
        emit frameCaptured(m_frame.get(), m_clock.nowUs());
}

} // namespace roomrec
