#include "media/camerasource.h"

#include "common/logging.h"
#include "media/avframewrap.h"
#include "media/testpatternpainter.h"
#include "protocol/errorcode.h"

#include <QCamera>
#include <QMediaCaptureSession>
#include <QMediaDevices>
#include <QVideoSink>

namespace roomrec {

namespace {
AVPixelFormat toAv(QVideoFrameFormat::PixelFormat format)
{
    switch (format) {
    case QVideoFrameFormat::Format_YUV420P: return AV_PIX_FMT_YUV420P;
    case QVideoFrameFormat::Format_YV12: return AV_PIX_FMT_YUV420P; // planes swapped below
    case QVideoFrameFormat::Format_NV12: return AV_PIX_FMT_NV12;
    case QVideoFrameFormat::Format_NV21: return AV_PIX_FMT_NV21;
    case QVideoFrameFormat::Format_YUYV: return AV_PIX_FMT_YUYV422;
    case QVideoFrameFormat::Format_UYVY: return AV_PIX_FMT_UYVY422;
    case QVideoFrameFormat::Format_YUV422P: return AV_PIX_FMT_YUV422P;
    case QVideoFrameFormat::Format_BGRA8888: return AV_PIX_FMT_BGRA;
    case QVideoFrameFormat::Format_BGRX8888: return AV_PIX_FMT_BGR0;
    case QVideoFrameFormat::Format_RGBA8888: return AV_PIX_FMT_RGBA;
    case QVideoFrameFormat::Format_RGBX8888: return AV_PIX_FMT_RGB0;
    case QVideoFrameFormat::Format_ARGB8888: return AV_PIX_FMT_ARGB;
    case QVideoFrameFormat::Format_XRGB8888: return AV_PIX_FMT_0RGB;
    case QVideoFrameFormat::Format_Y8: return AV_PIX_FMT_GRAY8;
    default: return AV_PIX_FMT_NONE;
    }
}
} // namespace

CameraSource::CameraSource(const MediaClock &clock, QCameraDevice device, QCameraFormat format, QObject *parent)
    : VideoSource(parent), m_clock(clock), m_device(std::move(device)), m_format(std::move(format))
{
    if (m_format.isNull())
        m_format = bestFormat(m_device, QSize(1280, 720), 30);
    m_size = m_format.isNull() ? QSize(1280, 720) : m_format.resolution();
    m_fps = m_format.isNull() ? 30 : qBound(1, int(m_format.maxFrameRate()), 60);
    connect(&m_placeholderTimer, &QTimer::timeout, this, &CameraSource::sendPlaceholder);
}

CameraSource::~CameraSource()
{
    stop();
}

QList<QCameraDevice> CameraSource::devices()
{
    return QMediaDevices::videoInputs();
}

QCameraFormat CameraSource::bestFormat(const QCameraDevice &device, QSize size, int fps)
{
    QCameraFormat best;
    qint64 bestScore = std::numeric_limits<qint64>::max();
    for (const QCameraFormat &f : device.videoFormats()) {
        const QSize r = f.resolution();
        const qint64 sizeMiss = qAbs(qint64(r.width()) * r.height() - qint64(size.width()) * size.height());
        const qint64 fpsMiss = f.maxFrameRate() > fps + 0.5 ? 1'000'000'000 : qint64((fps - f.maxFrameRate()) * 1000);
        const qint64 score = fpsMiss * 1000 + sizeMiss;
        if (score < bestScore) {
            bestScore = score;
            best = f;
        }
    }
    return best;
}

Status CameraSource::start()
{
    if (m_device.isNull())
        return makeError(ErrorCode::SourceUnavailable, QStringLiteral("no camera"));
    m_camera = std::make_unique<QCamera>(m_device);
    if (!m_format.isNull())
        m_camera->setCameraFormat(m_format);
    m_session = std::make_unique<QMediaCaptureSession>();
    m_sink = std::make_unique<QVideoSink>();
    m_session->setCamera(m_camera.get());
    m_session->setVideoSink(m_sink.get());
    m_wrapped.reset(av_frame_alloc());
    connect(m_sink.get(), &QVideoSink::videoFrameChanged, m_sink.get(), [this](const QVideoFrame &frame) {
        QMutexLocker lock(&m_latestMutex);
        if (m_handOverQueued) {
            ++m_skipped; // the previous frame was never taken: the encoder is behind
        } else {
            m_handOverQueued = true;
            QMetaObject::invokeMethod(this, &CameraSource::takeLatest, Qt::QueuedConnection);
        }
        m_latest = frame;
    }, Qt::DirectConnection);
    connect(m_camera.get(), &QCamera::errorOccurred, this, [this](QCamera::Error error, const QString &text) {
        if (error != QCamera::NoError)
            onLost(text);
    });
    // A camera unplugged mid-stream disappears from the device list.
    m_mediaDevices = std::make_unique<QMediaDevices>();
    connect(m_mediaDevices.get(), &QMediaDevices::videoInputsChanged, this, [this] {
        if (!QMediaDevices::videoInputs().contains(m_device))
            onLost(tr("camera disconnected"));
    });
    m_camera->start();
    m_lastFrameUs = m_clock.nowUs();
    return success();
}

void CameraSource::stop()
{
    m_placeholderTimer.stop();
    if (m_camera)
        m_camera->stop();
    m_session.reset();
    m_sink.reset();
    m_camera.reset();
    m_mediaDevices.reset();
}

void CameraSource::takeLatest()
{
    QVideoFrame frame;
    {
        QMutexLocker lock(&m_latestMutex);
        frame = std::exchange(m_latest, QVideoFrame());
        m_handOverQueued = false;
    }
    if (const qint64 skipped = m_skipped.exchange(0))
        emit framesDropped(int(skipped));
    onFrame(frame);
}

void CameraSource::onFrame(const QVideoFrame &input)
{
    if (m_lost || !input.isValid())
        return;
    const qint64 now = m_clock.nowUs();
    // Keep to the announced rate: a camera delivering faster than that is thinned out.
    if (now - m_lastFrameUs < 1'000'000 / m_fps - 2000)
        return;
    QVideoFrame frame(input);
    if (!frame.map(QVideoFrame::ReadOnly))
        return;
    const AVPixelFormat format = toAv(frame.pixelFormat());
    bool wrapped = false;
    if (format != AV_PIX_FMT_NONE) {
        uint8_t *planes[4] = {};
        int strides[4] = {};
        for (int i = 0; i < frame.planeCount() && i < 4; ++i) {
            planes[i] = frame.bits(i);
            strides[i] = frame.bytesPerLine(i);
        }
        if (frame.pixelFormat() == QVideoFrameFormat::Format_YV12)
            std::swap(planes[1], planes[2]);
        wrapped = AvFrameWrap::wrap(m_wrapped.get(), format, frame.size(), planes, strides);
    }
    if (!wrapped) {
        // Compressed (MJPEG) or exotic formats: let Qt convert.
        frame.unmap();
        m_converted = input.toImage().convertToFormat(QImage::Format_RGB32);
        wrapped = AvFrameWrap::wrapPacked(m_wrapped.get(), AV_PIX_FMT_BGRA, m_converted.size(), m_converted.bits(),
                                          int(m_converted.bytesPerLine()));
    }
    if (wrapped) {
        m_lastFrameUs = now;
        emit frameCaptured(m_wrapped.get(), now);
    }
    if (frame.isMapped())
        frame.unmap();
}

void CameraSource::onLost(const QString &why)
{
    if (m_lost)
        return;
    m_lost = true;
    qCWarning(lcMedia).noquote() << "camera" << m_device.description() << "lost:" << why;
    emit errorOccurred(int(ErrorCode::SourceLost), errorMessage(int(ErrorCode::SourceLost)) + QStringLiteral(" (") + why + QLatin1Char(')'));
    m_placeholder.reset(av_frame_alloc());
    m_placeholder->format = AV_PIX_FMT_YUV420P;
    m_placeholder->width = m_size.width() & ~1;
    m_placeholder->height = m_size.height() & ~1;
    if (av_frame_get_buffer(m_placeholder.get(), 0) < 0)
        return;
    m_placeholderTimer.start(1000 / m_fps);
}

void CameraSource::sendPlaceholder()
{
    if (av_frame_make_writable(m_placeholder.get()) < 0)
        return;
    // Grey picture with the text "CAMERA LOST" (block font), still moving slowly so viewers
    // see the stream is alive.
    AVFrame *f = m_placeholder.get();
    for (int y = 0; y < f->height; ++y)
        memset(f->data[0] + qsizetype(y) * f->linesize[0], 60, size_t(f->width));
    for (int p = 1; p < 3; ++p) {
        for (int y = 0; y < f->height / 2; ++y)
            memset(f->data[p] + qsizetype(y) * f->linesize[p], 128, size_t(f->width / 2));
    }
    TestPatternPainter::drawLabel(f, "CAMERA LOST", f->width / 8, f->height / 2 - f->height / 20 + int(m_placeholderFrames % 8),
                                  qMax(2, f->height / 60));
    ++m_placeholderFrames;
    emit frameCaptured(f, m_clock.nowUs());
}

} // namespace roomrec
