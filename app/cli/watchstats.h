#pragma once

#include "protocol/mediapacket.h"

#include <QCryptographicHash>
#include <QJsonObject>

#include <vector>

// What `roomrec-cli watch` reports about the packets it received of one member: frames,
// key frames, gaps in the video timeline, the latency from capture (the publisher's wall
// clock, same machine) to receipt, and a checksum of the video payloads in order (so a test
// can compare it with what was published).
class WatchStats {
public:
    // frameUs: the video's nominal frame interval (a gap is a jump of more than two).
    explicit WatchStats(qint64 frameUs) : m_frameUs(frameUs) {}

    // captureWallUs: the packet's capture time on the wall clock, or -1 when unknown;
    // live: captured after we subscribed (cached GOP frames are not live: no latency for them).
    void addVideo(const roomrec::MediaPacket &packet, qint64 receivedWallUs, qint64 captureWallUs, bool live);
    void addAudio() { ++m_audioFrames; }
    // dropped: the server's total for the current subscription.
    void setDropped(roomrec::Track track, qint64 dropped) { m_dropped[int(track)] = dropped; }
    // Subscribed again (after a reconnect): the server's totals start again from zero.
    void newSubscription();
    void setFirstPictureMs(qint64 ms) { if (m_firstPictureMs < 0) m_firstPictureMs = ms; }

    qint64 videoFrames() const { return m_videoFrames; }
    QJsonObject toJson() const;

private:
    qint64 dropped(roomrec::Track track) const { return m_droppedBefore[int(track)] + m_dropped[int(track)]; }
    static double percentile(std::vector<qint64> values, double p);

    qint64 m_frameUs;
    qint64 m_videoFrames = 0;
    qint64 m_keyFrames = 0;
    qint64 m_audioFrames = 0;
    qint64 m_gaps = 0;
    qint64 m_lastDtsUs = -1;
    qint64 m_dropped[roomrec::kTrackCount] = {0, 0, 0};
    qint64 m_droppedBefore[roomrec::kTrackCount] = {0, 0, 0}; // by earlier subscriptions
    qint64 m_firstPictureMs = -1;
    std::vector<qint64> m_latencyUs;
    QCryptographicHash m_checksum{QCryptographicHash::Sha1};
};
