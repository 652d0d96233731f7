#include "recording/mp4fragmentindex.h"

#include "protocol/errorcode.h"
#include "recording/mp4boxreader.h"
#include "recording/mp4fragmentflags.h"

#include <algorithm>
#include <bit>
#include <limits>

namespace roomrec {

namespace {
using namespace mp4flags;

Error damaged(const QString &what)
{
    return makeError(ErrorCode::MuxerFailed, QStringLiteral("fragmented MP4 not understood: %1").arg(what));
}

// The track_ID of a tkhd and the timescale of an mdhd sit after times that are 32 or 64
// bits wide depending on the box version.
quint32 fieldAfterTimes(QByteArrayView payload)
{
    Mp4BoxReader r(payload);
    const quint8 version = r.u8();
    r.skip(3 + (version == 1 ? 16 : 8));
    const quint32 value = r.u32();
    return r.ok() ? value : 0;
}
} // namespace

Mp4TrackSamples *Mp4FragmentIndex::findTrack(quint32 trackId)
{
    auto it = std::find_if(m_tracks.begin(), m_tracks.end(), [&](const Mp4TrackSamples &t) { return t.trackId == trackId; });
    return it == m_tracks.end() ? nullptr : &*it;
}

const Mp4TrackSamples *Mp4FragmentIndex::track(quint32 trackId) const
{
    auto it = std::find_if(m_tracks.begin(), m_tracks.end(), [&](const Mp4TrackSamples &t) { return t.trackId == trackId; });
    return it == m_tracks.end() ? nullptr : &*it;
}

Status Mp4FragmentIndex::readInit(QByteArrayView moovPayload)
{
    Mp4BoxReader moov(moovPayload);
    std::optional<Mp4BoxReader::Box> mvex;
    while (auto box = moov.nextBox()) {
        if (box->type == fourcc("mvex")) {
            mvex = box;
            continue;
        }
        if (box->type != fourcc("trak"))
            continue;
        const auto tkhd = Mp4BoxReader::find(box->payload, fourcc("tkhd"));
        const auto mdia = Mp4BoxReader::find(box->payload, fourcc("mdia"));
        const auto mdhd = mdia ? Mp4BoxReader::find(mdia->payload, fourcc("mdhd")) : std::nullopt;
        if (!tkhd || !mdhd)
            return damaged(QStringLiteral("a trak without tkhd or mdhd"));
        Mp4TrackSamples track;
        track.trackId = fieldAfterTimes(tkhd->payload);
        track.timescale = fieldAfterTimes(mdhd->payload);
        if (track.trackId == 0 || track.timescale == 0 || findTrack(track.trackId))
            return damaged(QStringLiteral("a track ID or timescale of 0, or a track twice"));
        m_tracks.push_back(std::move(track));
    }
    if (!moov.ok())
        return damaged(QStringLiteral("moov"));
    if (!mvex)
        return damaged(QStringLiteral("no mvex: the file is not fragmented"));
    Mp4BoxReader extends(mvex->payload);
    while (auto box = extends.nextBox()) {
        if (box->type != fourcc("trex"))
            continue;
        Mp4BoxReader r(box->payload);
        r.skip(4); // version, flags
        Mp4TrackSamples *track = findTrack(r.u32());
        if (!track)
            return damaged(QStringLiteral("trex for an unknown track"));
        track->defaultDescriptionIndex = r.u32();
        track->defaultDuration = r.u32();
        track->defaultSize = r.u32();
        track->defaultFlags = r.u32();
        if (!r.ok())
            return damaged(QStringLiteral("trex"));
    }
    if (!extends.ok())
        return damaged(QStringLiteral("mvex"));
    return success();
}

Status Mp4FragmentIndex::addFragment(QByteArrayView moof, quint64 moofOffset, quint64 dataBegin, quint64 dataEnd)
{
    Mp4BoxReader outer(moof);
    const auto box = outer.nextBox();
    if (!box || box->type != fourcc("moof"))
        return damaged(QStringLiteral("moof at %1").arg(moofOffset));
    // Without a base offset or default-base-is-moof, the first traf's data starts at the
    // moof and each later traf's where the previous one's ended (ISO/IEC 14496-12 8.8.7).
    quint64 implicitBase = moofOffset;
    Mp4BoxReader children(box->payload);
    while (auto child = children.nextBox()) {
        if (child->type != fourcc("traf"))
            continue;
        if (Status s = addTrackFragment(child->payload, moofOffset, implicitBase, dataBegin, dataEnd); !s)
            return s;
    }
    if (!children.ok())
        return damaged(QStringLiteral("moof at %1").arg(moofOffset));
    ++m_fragments;
    return success();
}

Status Mp4FragmentIndex::addTrackFragment(QByteArrayView traf, quint64 moofOffset, quint64 &implicitBase,
                                          quint64 dataBegin, quint64 dataEnd)
{
    const QString where = QStringLiteral("traf in the moof at %1").arg(moofOffset);
    const auto tfhd = Mp4BoxReader::find(traf, fourcc("tfhd"));
    if (!tfhd)
        return damaged(where + QStringLiteral(": no tfhd"));
    Mp4BoxReader h(tfhd->payload);
    const quint32 tfhdFlags = h.u32() & 0xffffff;
    Mp4TrackSamples *track = findTrack(h.u32());
    if (!track)
        return damaged(where + QStringLiteral(": unknown track"));
    quint64 base = implicitBase;
    if (tfhdFlags & kBaseDataOffsetPresent)
        base = h.u64();
    else if (tfhdFlags & kDefaultBaseIsMoof)
        base = moofOffset;
    const quint32 descriptionIndex = (tfhdFlags & kDescriptionIndexPresent) ? h.u32() : track->defaultDescriptionIndex;
    const quint32 defaultDuration = (tfhdFlags & kDefaultDurationPresent) ? h.u32() : track->defaultDuration;
    const quint32 defaultSize = (tfhdFlags & kDefaultSizePresent) ? h.u32() : track->defaultSize;
    const quint32 defaultFlags = (tfhdFlags & kDefaultFlagsPresent) ? h.u32() : track->defaultFlags;
    if (!h.ok())
        return damaged(where + QStringLiteral(": tfhd"));

    if (const auto tfdt = Mp4BoxReader::find(traf, fourcc("tfdt"))) {
        Mp4BoxReader t(tfdt->payload);
        const quint8 version = t.u8();
        t.skip(3);
        const quint64 dts = version == 1 ? t.u64() : t.u32();
        if (!t.ok())
            return damaged(where + QStringLiteral(": tfdt"));
        if (!track->started) {
            track->started = true;
            track->startDts = track->nextDts = dts;
        } else if (dts != track->nextDts) {
            // A regular file's timeline has no gaps: the sample before a jump lasts until it.
            quint64 last = track->durations.empty() ? 0 : track->durations.back();
            const qint64 jump = qint64(dts - track->nextDts);
            if (track->durations.empty() || qint64(last) + jump < 0 || qint64(last) + jump > qint64(UINT32_MAX))
                return damaged(where + QStringLiteral(": tfdt %1 does not follow %2").arg(dts).arg(track->nextDts));
            track->durations.back() = quint32(qint64(last) + jump);
            track->nextDts = dts;
        }
    }
    track->started = true;

    quint64 dataPos = base;
    Mp4BoxReader runs(traf);
    while (auto run = runs.nextBox()) {
        if (run->type != fourcc("trun"))
            continue;
        Mp4BoxReader r(run->payload);
        const quint32 versionFlags = r.u32();
        const bool signedOffsets = (versionFlags >> 24) >= 1;
        const quint32 flags = versionFlags & 0xffffff;
        const quint32 count = r.u32();
        if (flags & kDataOffsetPresent)
            dataPos = quint64(qint64(base) + qint32(r.u32()));
        const quint32 firstFlags = (flags & kFirstSampleFlagsPresent) ? r.u32() : defaultFlags;
        const int entryBytes = 4 * std::popcount(flags & 0xf00);
        // Every entry must be there, and a run of default-size samples cannot claim more
        // samples than its mdat has bytes.
        if (!r.ok() || (entryBytes > 0 && quint64(count) * quint64(entryBytes) > quint64(r.remaining()))
            || (entryBytes == 0 && count > dataEnd - dataBegin) || m_samples + count > kMaxSamples)
            return damaged(where + QStringLiteral(": trun sample count %1").arg(count));
        const quint64 chunkOffset = dataPos;
        for (quint32 i = 0; i < count; ++i) {
            const quint32 duration = (flags & kSampleDurationPresent) ? r.u32() : defaultDuration;
            const quint32 size = (flags & kSampleSizePresent) ? r.u32() : defaultSize;
            quint32 sampleFlags = (flags & kSampleFlagsPresent) ? r.u32() : defaultFlags;
            if (i == 0 && (flags & kFirstSampleFlagsPresent))
                sampleFlags = firstFlags;
            const quint32 rawOffset = (flags & kCompositionOffsetPresent) ? r.u32() : 0;
            if (!signedOffsets && rawOffset > quint32(std::numeric_limits<qint32>::max()))
                return damaged(where + QStringLiteral(": composition offset %1").arg(rawOffset));
            const qint32 offset = qint32(rawOffset);
            if (offset != 0 && track->compositionOffsets.empty())
                track->compositionOffsets.assign(track->durations.size(), 0);
            if (!track->compositionOffsets.empty())
                track->compositionOffsets.push_back(offset);
            track->durations.push_back(duration);
            track->sizes.push_back(size);
            if (!(sampleFlags & kSampleIsNonSync))
                track->syncSamples.push_back(quint32(track->durations.size()));
            track->nextDts += duration;
            dataPos += size;
        }
        if (!r.ok())
            return damaged(where + QStringLiteral(": trun"));
        if (count == 0)
            continue;
        if (chunkOffset < dataBegin || dataPos > dataEnd || dataPos < chunkOffset)
            return damaged(where + QStringLiteral(": samples at %1..%2 outside the mdat at %3..%4")
                                       .arg(chunkOffset).arg(dataPos).arg(dataBegin).arg(dataEnd));
        track->chunks.push_back({chunkOffset, count, descriptionIndex});
        m_samples += count;
    }
    if (!runs.ok())
        return damaged(where);
    implicitBase = dataPos;
    return success();
}

} // namespace roomrec
