#pragma once

#include "common/ffmpegptr.h"
#include "media/mediaclock.h"
#include "media/videosource.h"

#include <QCameraDevice>
#include <QCameraFormat>
#include <QTimer>
#include <QMutex>
#include <QVideoFrame>

#include <atomic>

#include <memory>

class QCamera;
class QMediaCaptureSession;
class QMediaDevices;
class QVideoSink;

namespace roomrec {

// A real camera through Qt Multimedia (QCamera -> QMediaCaptureSession -> QVideoSink).
// If the camera disappears mid-stream it reports SourceLost and keeps the stream going
// with a "camera lost" picture at the same rate, so a recording is never cut.
class CameraSource : public VideoSource {
    Q_OBJECT
public:
    CameraSource(const MediaClock &clock, QCameraDevice device, QCameraFormat format = {}, QObject *parent = nullptr);
    ~CameraSource() override;

    static QList<QCameraDevice> devices();
    // The device's format closest to the wanted size and rate (largest fps not above it).
    static QCameraFormat bestFormat(const QCameraDevice &device, QSize size, int fps);

    QString description() const override { return m_device.description(); }
    bool isTestSource() const override { return false; }
    QSize frameSize() const override { return m_size; }
    int frameRate() const override { return m_fps; }
    Status start() override;
    void stop() override;
    bool isLost() const { return m_lost; }

private:
    void onFrame(const QVideoFrame &frame);
    void takeLatest();
    void onLost(const QString &why);
    void sendPlaceholder();

    const MediaClock &m_clock;
    QCameraDevice m_device;
    QCameraFormat m_format;
    QSize m_size;
    int m_fps;
    std::unique_ptr<QCamera> m_camera;
    std::unique_ptr<QMediaCaptureSession> m_session;
    std::unique_ptr<QVideoSink> m_sink;
    std::unique_ptr<QMediaDevices> m_mediaDevices;
    AvFramePtr m_wrapped;     // points into the mapped QVideoFrame
    AvFramePtr m_placeholder; // "camera lost" picture
    QImage m_converted;       // for formats we cannot hand to swscale directly
    QTimer m_placeholderTimer{this};
    qint64 m_lastFrameUs = 0;
    qint64 m_placeholderFrames = 0;
    bool m_lost = false;
    // The sink may deliver from the backend's thread: keep only the newest frame and have
    // at most one hand-over queued, so a busy encoder skips frames rather than lagging.
    QMutex m_latestMutex;
    QVideoFrame m_latest;
    bool m_handOverQueued = false;
    std::atomic<qint64> m_skipped{0};
};

} // namespace roomrec
