#pragma once

#include <QtGlobal>

namespace roomrec {

// Counts the video frames of the recorded track that the server records, as the client
// sends them: from the first key frame after the start request (where the server's
// recording begins) until the stop request. A stop the server refuses (an expired signature,
// say) leaves the recording running, so the frames sent while the answer was on its way were
// recorded after all: they are counted provisionally and join the count if the stop fails.
class RecordedFrameCounter {
public:
    void startRequested(); // the count starts over at the next key frame
    void stopRequested();
    void stopRefused();    // the recording goes on: what was sent meanwhile counts
    void ended();          // stopped, ended by the server, or the connection is gone

    void onVideoFrame(bool key); // a frame of the recorded track, as it is sent
    qint64 count() const { return m_count; }

private:
    enum class Phase { Idle, WaitingForKey, Counting };
    Phase m_phase = Phase::Idle;
    Phase m_phaseBeforeStop = Phase::Idle; // while a stop request is unanswered
    bool m_stopPending = false;
    qint64 m_count = 0;
    qint64 m_sentDuringStop = 0;
};

} // namespace roomrec
