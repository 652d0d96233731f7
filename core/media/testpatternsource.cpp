#include "media/testpatternsource.h"

#include "media/testpatternpainter.h"
#include "protocol/errorcode.h"

namespace roomrec {

TestPatternSource::TestPatternSource(const MediaClock &clock, QSize size, int fps, QString label, QObject *parent)
    : VideoSource(parent), m_clock(clock), m_size(size), m_fps(qBound(1, fps, 240)), m_label(std::move(label))
{
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &TestPatternSource::tick);
}

Status TestPatternSource::start()
{
    if (m_size.width() < 16 || m_size.height() < 16 || m_size.width() % 2 || m_size.height() % 2)
        return makeError(ErrorCode::SourceUnavailable, QStringLiteral("test pattern size must be even and at least 16x16"));
    m_frame.reset(av_frame_alloc());
    m_frame->format = AV_PIX_FMT_YUV420P;
    m_frame->width = m_size.width();
    m_frame->height = m_size.height();
    if (int err = av_frame_get_buffer(m_frame.get(), 0); err < 0)
        return makeError(ErrorCode::SourceUnavailable, avErrorText(err));
    m_startUs = m_clock.nowUs();
    m_nextFrame = 0;
    // Tick at twice the frame rate so a frame is never more than half a period late.
    m_timer.start(qMax(1, 500 / m_fps));
    return success();
}

void TestPatternSource::stop()
{
    m_timer.stop();
}

void TestPatternSource::tick()
{
    const qint64 now = m_clock.nowUs();
    const qint64 due = (now - m_startUs) * m_fps / 1'000'000; // last frame number that is due
    if (due < m_nextFrame)
        return;
    if (due > m_nextFrame) {
        // More than one frame is due: we are late. Skip to the newest one.
        emit framesDropped(int(due - m_nextFrame));
        m_nextFrame = due;
    }
    const qint64 captureUs = m_startUs + m_nextFrame * 1'000'000 / m_fps;
    // A frame may still be referenced by an encoder's lookahead; get a private buffer then.
    if (av_frame_make_writable(m_frame.get()) < 0)
        return;
    const bool flash = m_nextFrame % m_fps == 0;
    TestPatternPainter::paint(m_frame.get(), m_nextFrame, (captureUs - m_startUs) / 1000, flash);
    m_frame->pts = captureUs;
    emit frameCaptured(m_frame.get(), captureUs);
    ++m_delivered;
    ++m_nextFrame;
}

} // namespace roomrec
