#pragma once

#include "common/result.h"
#include "protocol/mediapacket.h"

#include <QByteArray>

#include <optional>
#include <vector>

namespace roomrec {

// The builder's state, outside its class so that they are complete types where
// std::optional needs them (clang checks that inside the enclosing class).
namespace mp4fragment {
struct Sample {
    QByteArray data;
    std::vector<std::pair<qsizetype, qsizetype>> nals; // video: offset, size of each NAL
    quint64 dts = 0;                                   // in the track's timescale
    quint32 compositionOffset = 0;
    quint32 duration = 0;
    quint32 size = 0; // as stored: NALs with 4-byte lengths for video
    bool key = false;
    qint64 dtsUs = 0;
    qint64 durationUs = 0;
};
struct TrackState {
    quint32 trackId = 0;
    quint32 timescale = 0;
    bool video = false;
    std::optional<Sample> held; // waits for its successor's dts
    std::vector<Sample> samples; // in the current fragment
    quint32 lastDuration = 0;
};
} // namespace mp4fragment

// Turns H.264 (Annex B) and AAC packets into the moof + mdat fragments of a fragmented MP4,
// without copying the media: a fragment is a small header (moof, the mdat header and the
// 4-byte NAL lengths) plus pieces that point into the packets' own payloads, ready for one
// gather write. libavformat's mp4 muxer copied every packet into a growing buffer and scanned
// it byte by byte for start codes; that was most of the server's user CPU.
//
// A fragment is cut before a video key frame, when it spans kFragmentUs or holds
// kMaxFragmentBytes; the first one holds only the first video frame, so it is on disk at
// once. The last sample of each track is held back until the next one arrives, so every
// duration is exact and each fragment's tfdt continues the previous one; finish() gives
// the rest, the last samples lasting their packets' durations.
class Mp4FragmentBuilder {
public:
    struct Track {
        quint32 id = 0;
        quint32 timescale = 0;
    };
    struct Piece {
        const char *data;
        qint64 size;
    };
    struct Fragment {
        QByteArray header;                // moof, then the mdat box header
        QByteArray lengths;               // the NAL lengths the pieces point into
        std::vector<QByteArray> payloads; // keeps the pieces' media alive
        std::vector<Piece> pieces;        // in file order; the header is the first
        qint64 size = 0;
    };

    static constexpr qint64 kFragmentUs = 1'000'000;
    static constexpr qint64 kMaxFragmentBytes = 8 * 1024 * 1024;

    Mp4FragmentBuilder(Track video, std::optional<Track> audio);

    // Timestamps relative to the file's start (>= 0). Gives the fragment this packet closed,
    // if any. Audio for a file without an audio track is ignored.
    Result<std::optional<Fragment>> add(const MediaPacket &packet, qint64 ptsUs, qint64 dtsUs);
    // Everything still held, as the last fragment (none if nothing is held).
    std::optional<Fragment> finish();

    qint64 heldBytes() const { return m_heldBytes; }

private:
    using Sample = mp4fragment::Sample;
    using TrackState = mp4fragment::TrackState;

    bool fragmentEmpty() const;
    void moveHeld(TrackState &state, quint64 nextDts);
    Fragment build();

    TrackState m_video;
    std::optional<TrackState> m_audio;
    qint64 m_fragmentStartUs = 0;
    qint64 m_fragmentBytes = 0;
    qint64 m_heldBytes = 0;
    quint32 m_sequence = 0;
};

} // namespace roomrec
