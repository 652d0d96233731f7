#pragma once

#include "client/memberdecoder.h"

#include <map>
#include <optional>
#include <vector>

namespace roomrec {

// Holds members' decoded pictures until the sound of the same instant is heard, so video
// is shown in sync with audio. A member's audio and video share the publisher's capture
// clock (docs/protocol.md), so one offset per member maps any pts to the receiver time it
// is heard at: the audio jitter buffer's playout offset plus the output latency behind it
// (mixer queue, sink buffer), given by setAudioClock. A member without such a clock (no
// audio track, or no audio arrived yet) has nothing to wait for: its pictures show at once.
// Pictures leave in pts order per member; one whose time has already passed leaves at once
// (counted late); the queue per member is bounded (the oldest go first, counted).
// Plain logic for one thread (RemoteMediaWorker's decode thread), times in µs of its clock.
class PictureScheduler {
public:
    explicit PictureScheduler(int maxQueuedPerMember = 12);

    // receiver time = pts + offsetUs for this member; nullopt: the member has no audio clock
    // (what is held is released on the next due()).
    void setAudioClock(const QString &userId, std::optional<qint64> offsetUs);
    std::optional<qint64> presentationTimeUs(const QString &userId, qint64 ptsUs) const;

    // Queues a decoded picture; returns what is to be shown now (this one, when it need not wait).
    std::vector<MemberPicture> push(MemberPicture picture, qint64 nowUs);
    // The pictures whose time has come by nowUs, in pts order per member.
    std::vector<MemberPicture> due(qint64 nowUs);
    void removeMember(const QString &userId);

    int queued(const QString &userId) const;
    qint64 overflowDrops() const { return m_overflowDrops; }
    qint64 latePictures() const { return m_latePictures; }

private:
    struct Member {
        std::optional<qint64> offsetUs;
        std::multimap<qint64, MemberPicture> pictures; // by pts: both video tracks in one order
    };

    int m_maxQueued;
    std::map<QString, Member> m_members;
    qint64 m_overflowDrops = 0;
    qint64 m_latePictures = 0;
};

} // namespace roomrec
