#include "media/devicescreensource.h"

#include "common/logging.h"
#include "media/avframewrap.h"
#include "protocol/errorcode.h"

extern "C" {
#include <libavdevice/avdevice.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
}

namespace roomrec {

DeviceScreenSource::DeviceScreenSource(const MediaClock &clock, ScreenRegion region, int fps, QObject *parent)
    : VideoSource(parent), m_clock(clock), m_region(std::move(region)), m_fps(qBound(1, fps, 60))
{
    connect(&m_timer, &QTimer::timeout, this, &DeviceScreenSource::tick);
}

DeviceScreenSource::~DeviceScreenSource() = default;

QString DeviceScreenSource::grabberName()
{
#if defined(Q_OS_WIN)
    return QStringLiteral("gdigrab");
#elif defined(Q_OS_MACOS)
    return QStringLiteral("avfoundation");
#else
    return QStringLiteral("x11grab");
#endif
}

bool DeviceScreenSource::isAvailable()
{
    avdevice_register_all();
    return av_find_input_format(grabberName().toUtf8().constData()) != nullptr;
}

QString DeviceScreenSource::description() const
{
    const QString what = m_region.rect.isEmpty() ? tr("Screen") : tr("Screen region %1x%2+%3+%4")
                                                                     .arg(m_region.rect.width()).arg(m_region.rect.height())
                                                                     .arg(m_region.rect.x()).arg(m_region.rect.y());
    return QStringLiteral("%1 (%2)").arg(what, grabberName());
}

Status DeviceScreenSource::open()
{
    if (m_input)
        return success();
    avdevice_register_all();
    const AVInputFormat *grabber = av_find_input_format(grabberName().toUtf8().constData());
    if (!grabber)
        return makeError(ErrorCode::SourceUnavailable, grabberName() + QStringLiteral(" is not in this FFmpeg"));
    AVDictionary *options = nullptr;
    av_dict_set_int(&options, "framerate", m_fps, 0);
    av_dict_set(&options, "draw_mouse", m_region.drawCursor ? "1" : "0", 0);
    QString url;
#if defined(Q_OS_WIN)
    url = QStringLiteral("desktop");
    if (!m_region.rect.isEmpty()) {
        av_dict_set_int(&options, "offset_x", m_region.rect.x(), 0);
        av_dict_set_int(&options, "offset_y", m_region.rect.y(), 0);
    }
#elif defined(Q_OS_MACOS)
    url = QStringLiteral("Capture screen 0");
    av_dict_set(&options, "capture_cursor", m_region.drawCursor ? "1" : "0", 0);
#else
    url = m_region.display.isEmpty() ? qEnvironmentVariable("DISPLAY") : m_region.display;
    if (url.isEmpty())
        return makeError(ErrorCode::SourceUnavailable, QStringLiteral("no X display ($DISPLAY is not set)"));
    if (!m_region.rect.isEmpty()) {
        av_dict_set_int(&options, "grab_x", m_region.rect.x(), 0);
        av_dict_set_int(&options, "grab_y", m_region.rect.y(), 0);
    }
#endif
    if (!m_region.rect.isEmpty()) {
        const QByteArray size = QStringLiteral("%1x%2").arg(m_region.rect.width() & ~1).arg(m_region.rect.height() & ~1).toUtf8();
        av_dict_set(&options, "video_size", size.constData(), 0);
    }
    AVFormatContext *raw = avformat_alloc_context();
    raw->flags |= AVFMT_FLAG_NONBLOCK; // EAGAIN instead of sleeping until the next frame
    const int err = avformat_open_input(&raw, url.toUtf8().constData(), grabber, &options);
    av_dict_free(&options);
    if (err < 0)
        return makeError(ErrorCode::SourceUnavailable, QStringLiteral("%1 %2: %3").arg(grabberName(), url, avErrorText(err)));
    m_input.reset(raw);
    const AVCodecParameters *par = m_input->streams[0]->codecpar;
    m_format = AVPixelFormat(par->format);
    m_stride = av_image_get_linesize(m_format, par->width, 0);
    // Even dimensions for 4:2:0; an odd last row/column is left out.
    m_size = QSize(par->width & ~1, par->height & ~1);
    m_packet.reset(av_packet_alloc());
    m_frame.reset(av_frame_alloc());
    qCInfo(lcMedia) << "screen capture" << grabberName() << url << m_size << av_get_pix_fmt_name(m_format);
    return success();
}

Status DeviceScreenSource::start()
{
    if (Status s = open(); !s)
        return s;
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.start(qMax(1, 500 / m_fps));
    return success();
}

void DeviceScreenSource::stop()
{
    m_timer.stop();
    m_input.reset();
}

void DeviceScreenSource::tick()
{
    if (!m_input)
        return;
    const int err = av_read_frame(m_input.get(), m_packet.get());
    if (err == AVERROR(EAGAIN))
        return; // next frame not due yet
    if (err < 0) {
        m_timer.stop();
        emit errorOccurred(int(ErrorCode::SourceLost), QStringLiteral("%1: %2").arg(grabberName(), avErrorText(err)));
        return;
    }
    if (AvFrameWrap::wrapPacked(m_frame.get(), m_format, m_size, m_packet->data, m_stride))
        emit frameCaptured(m_frame.get(), m_clock.nowUs());
    av_packet_unref(m_packet.get());
}

} // namespace roomrec
