#pragma once

#include "common/result.h"

#include <QByteArrayView>

#include <vector>

namespace roomrec {

// Every sample of one track of a fragmented MP4, as the sample tables of a regular moov
// need them. A chunk is one trun's run of samples, at its absolute offset in the file.
struct Mp4TrackSamples {
    struct Chunk {
        quint64 offset = 0;
        quint32 samples = 0;
        quint32 descriptionIndex = 1;
    };
    quint32 trackId = 0;
    quint32 timescale = 0;
    // trex: what a fragment leaves out
    quint32 defaultDescriptionIndex = 1;
    quint32 defaultDuration = 0;
    quint32 defaultSize = 0;
    quint32 defaultFlags = 0;

    std::vector<quint32> durations;
    std::vector<quint32> sizes;
    std::vector<qint32> compositionOffsets; // stays empty while every offset is 0
    std::vector<quint32> syncSamples;       // 1-based sample numbers
    std::vector<Chunk> chunks;
    bool started = false;
    quint64 startDts = 0; // decode time of the first sample (tfdt of the first fragment)
    quint64 nextDts = 0;  // decode time just after the last sample

    quint64 mediaDuration() const { return nextDts - startDts; }
    bool allSync() const { return syncSamples.size() == durations.size(); }
};

// Reads a fragmented MP4's init moov (tracks, timescales, trex defaults) and then each
// moof in file order (tfhd, tfdt, trun) into per-track sample lists. Strict on purpose:
// anything it does not understand, or sample data outside the mdat that follows its moof,
// is an error, since the result becomes the file's only index once it is finished.
class Mp4FragmentIndex {
public:
    // moovPayload: the init moov without its header. A moov without mvex is no fragmented file.
    Status readInit(QByteArrayView moovPayload);
    // moof: the whole box, found at moofOffset; its samples must lie in [dataBegin, dataEnd),
    // the payload of the mdat right after it.
    Status addFragment(QByteArrayView moof, quint64 moofOffset, quint64 dataBegin, quint64 dataEnd);

    const std::vector<Mp4TrackSamples> &tracks() const { return m_tracks; }
    const Mp4TrackSamples *track(quint32 trackId) const;
    int fragments() const { return m_fragments; }
    quint64 samples() const { return m_samples; }

    // Bounds the memory a damaged trun's sample count can ask for (~13 bytes a sample; an
    // hour at 30 fps with AAC is ~300,000 samples).
    static constexpr quint64 kMaxSamples = 20'000'000;

private:
    Status addTrackFragment(QByteArrayView traf, quint64 moofOffset, quint64 &implicitBase, quint64 dataBegin,
                            quint64 dataEnd);
    Mp4TrackSamples *findTrack(quint32 trackId);

    std::vector<Mp4TrackSamples> m_tracks;
    quint64 m_samples = 0;
    int m_fragments = 0;
};

} // namespace roomrec
