#include "client/recordedframecounter.h"

namespace roomrec {

void RecordedFrameCounter::startRequested()
{
    m_phase = Phase::WaitingForKey;
    m_stopPending = false;
    m_count = 0;
    m_sentDuringStop = 0;
}

void RecordedFrameCounter::stopRequested()
{
    if (!m_stopPending)
        m_phaseBeforeStop = m_phase;
    m_stopPending = true;
    m_phase = Phase::Idle; // nothing sent after the stop request is recorded, if it succeeds
}

void RecordedFrameCounter::stopRefused()
{
    if (!m_stopPending)
        return;
    m_stopPending = false;
    m_phase = m_phaseBeforeStop;
    m_count += m_sentDuringStop;
    m_sentDuringStop = 0;
}

void RecordedFrameCounter::ended()
{
    m_phase = Phase::Idle;
    m_stopPending = false;
    m_sentDuringStop = 0;
}

void RecordedFrameCounter::onVideoFrame(bool key)
{
    Phase &phase = m_stopPending ? m_phaseBeforeStop : m_phase;
    if (phase == Phase::WaitingForKey && key)
        phase = Phase::Counting;
    if (phase != Phase::Counting)
        return;
    if (m_stopPending)
        ++m_sentDuringStop;
    else
        ++m_count;
}

} // namespace roomrec
