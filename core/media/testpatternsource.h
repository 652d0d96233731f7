#pragma once

#include "common/ffmpegptr.h"
#include "media/mediaclock.h"
#include "media/videosource.h"

#include <QTimer>

namespace roomrec {

// Test backend standing in for a camera or a screen on machines without one. Paced by
// the shared MediaClock: frame n is due at n/fps seconds after start; when the consumer
// falls behind, late frames are skipped and counted instead of letting latency grow.
class TestPatternSource : public VideoSource {
    Q_OBJECT
public:
    TestPatternSource(const MediaClock &clock, QSize size, int fps, QString label, QObject *parent = nullptr);

    QString description() const override { return m_label; }
    bool isTestSource() const override { return true; }
    QSize frameSize() const override { return m_size; }
    int frameRate() const override { return m_fps; }
    Status start() override;
    void stop() override;

    qint64 framesDelivered() const { return m_delivered; }

private:
    void tick();

    const MediaClock &m_clock;
    QSize m_size;
    int m_fps;
    QString m_label;
    QTimer m_timer{this}; // a child, so it follows the source into a worker thread
    AvFramePtr m_frame;
    qint64 m_startUs = 0;
    qint64 m_nextFrame = 0;
    qint64 m_delivered = 0;
};

} // namespace roomrec
