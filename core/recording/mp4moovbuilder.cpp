#include "recording/mp4moovbuilder.h"

#include "protocol/errorcode.h"
#include "recording/mp4boxreader.h"
#include "recording/mp4boxwriter.h"
#include "recording/mp4fragmentindex.h"

#include <QtEndian>

#include <algorithm>

namespace roomrec {

namespace {

Error damaged(const QString &what)
{
    return makeError(ErrorCode::MuxerFailed, QStringLiteral("init moov not understood: %1").arg(what));
}

// value * to / from without overflowing 64 bits for any timescale that fits in 32.
quint64 rescale(quint64 value, quint32 from, quint32 to)
{
    return value / from * to + (value % from * to + from / 2) / from;
}

// mvhd, tkhd and mdhd: creation and modification times, then `middle` bytes (timescale, or
// track ID + reserved), then the duration; 32-bit fields in version 0, 64-bit in version 1.
// Rewritten as version 1 with the new duration; everything after it is kept as it was.
bool writeWithDuration(Mp4BoxWriter &w, const Mp4BoxReader::Box &box, int middle, quint64 duration)
{
    Mp4BoxReader r(box.payload);
    const quint32 versionFlags = r.u32();
    const bool wide = (versionFlags >> 24) == 1;
    const quint64 created = wide ? r.u64() : r.u32();
    const quint64 modified = wide ? r.u64() : r.u32();
    const QByteArrayView between = r.bytes(middle);
    r.skip(wide ? 8 : 4);
    const QByteArrayView rest = r.bytes(r.remaining());
    if (!r.ok())
        return false;
    const qsizetype start = w.beginFull(box.type, 1, versionFlags);
    w.u64(created);
    w.u64(modified);
    w.bytes(between);
    w.u64(duration);
    w.bytes(rest);
    w.end(start);
    return true;
}

// mvhd and tkhd put the field after their creation and modification times (32 or 64 bits
// each, by version): mvhd's timescale, tkhd's track ID. 0 when the box is missing or short.
quint32 fieldAfterTimes(QByteArrayView parentPayload, quint32 boxType)
{
    const auto box = Mp4BoxReader::find(parentPayload, boxType);
    if (!box)
        return 0;
    Mp4BoxReader r(box->payload);
    const quint8 version = r.u8();
    r.skip(3 + (version == 1 ? 16 : 8));
    const quint32 value = r.u32();
    return r.ok() ? value : 0;
}

quint32 movieTimescale(QByteArrayView moovPayload)
{
    return fieldAfterTimes(moovPayload, fourcc("mvhd"));
}

quint32 trackIdOf(QByteArrayView trakPayload)
{
    return fieldAfterTimes(trakPayload, fourcc("tkhd"));
}

// Run-length tables: (count, value) pairs.
template <typename T>
std::vector<std::pair<quint32, T>> runs(const std::vector<T> &values)
{
    std::vector<std::pair<quint32, T>> out;
    for (const T &v : values) {
        if (!out.empty() && out.back().second == v)
            ++out.back().first;
        else
            out.emplace_back(1, v);
    }
    return out;
}

void writeSampleTable(Mp4BoxWriter &w, const Mp4BoxReader::Box &stsd, const Mp4TrackSamples &t)
{
    const qsizetype stbl = w.begin(fourcc("stbl"));
    w.bytes(stsd.whole);

    qsizetype box = w.beginFull(fourcc("stts"), 0, 0);
    const auto durations = runs(t.durations);
    w.u32(quint32(durations.size()));
    for (const auto &[count, duration] : durations) {
        w.u32(count);
        w.u32(duration);
    }
    w.end(box);

    if (!t.compositionOffsets.empty()) {
        const bool negative = std::any_of(t.compositionOffsets.begin(), t.compositionOffsets.end(),
                                          [](qint32 o) { return o < 0; });
        box = w.beginFull(fourcc("ctts"), negative ? 1 : 0, 0);
        const auto offsets = runs(t.compositionOffsets);
        w.u32(quint32(offsets.size()));
        for (const auto &[count, offset] : offsets) {
            w.u32(count);
            w.u32(quint32(offset));
        }
        w.end(box);
    }

    if (!t.allSync()) { // no stss: every sample is a sync sample
        box = w.beginFull(fourcc("stss"), 0, 0);
        w.u32(quint32(t.syncSamples.size()));
        for (quint32 n : t.syncSamples)
            w.u32(n);
        w.end(box);
    }

    struct ChunkRun {
        quint32 firstChunk, samples, descriptionIndex;
    };
    std::vector<ChunkRun> chunkRuns;
    for (size_t i = 0; i < t.chunks.size(); ++i) {
        const auto &c = t.chunks[i];
        if (chunkRuns.empty() || chunkRuns.back().samples != c.samples
            || chunkRuns.back().descriptionIndex != c.descriptionIndex)
            chunkRuns.push_back({quint32(i + 1), c.samples, c.descriptionIndex});
    }
    box = w.beginFull(fourcc("stsc"), 0, 0);
    w.u32(quint32(chunkRuns.size()));
    for (const ChunkRun &run : chunkRuns) {
        w.u32(run.firstChunk);
        w.u32(run.samples);
        w.u32(run.descriptionIndex);
    }
    w.end(box);

    const bool sameSize = !t.sizes.empty() && std::all_of(t.sizes.begin(), t.sizes.end(),
                                                          [&](quint32 s) { return s == t.sizes.front(); });
    box = w.beginFull(fourcc("stsz"), 0, 0);
    w.u32(sameSize ? t.sizes.front() : 0);
    w.u32(quint32(t.sizes.size()));
    if (!sameSize) {
        for (quint32 size : t.sizes)
            w.u32(size);
    }
    w.end(box);

    // 32-bit offsets while the file allows, for the oldest readers; 64-bit past 4 GiB.
    const bool wide = !t.chunks.empty() && t.chunks.back().offset > UINT32_MAX;
    box = w.beginFull(wide ? fourcc("co64") : fourcc("stco"), 0, 0);
    w.u32(quint32(t.chunks.size()));
    for (const auto &c : t.chunks) {
        if (wide)
            w.u64(c.offset);
        else
            w.u32(quint32(c.offset));
    }
    w.end(box);
    w.end(stbl);
}

// A track whose first sample is decoded after the movie's start (audio that began a little
// after the key frame the file starts with): an empty edit keeps it where the fragments'
// tfdt had put it, since sample tables alone always start at 0.
void writeEditList(Mp4BoxWriter &w, quint64 emptyMovieTime, quint64 mediaMovieTime)
{
    const qsizetype edts = w.begin(fourcc("edts"));
    const qsizetype elst = w.beginFull(fourcc("elst"), 1, 0);
    w.u32(2);
    w.u64(emptyMovieTime);
    w.u64(quint64(-1)); // media_time -1: nothing shown
    w.u32(0x00010000);  // rate 1.0
    w.u64(mediaMovieTime);
    w.u64(0);
    w.u32(0x00010000);
    w.end(elst);
    w.end(edts);
}

struct TrackTimes {
    quint64 emptyEdit = 0; // movie timescale
    quint64 presentation = 0; // movie timescale, edit included
};

TrackTimes timesOf(const Mp4TrackSamples &t, quint32 movieScale)
{
    TrackTimes times;
    times.emptyEdit = rescale(t.startDts, t.timescale, movieScale);
    times.presentation = times.emptyEdit + rescale(t.mediaDuration(), t.timescale, movieScale);
    return times;
}

Status writeTrack(Mp4BoxWriter &w, const Mp4BoxReader::Box &trak, const Mp4TrackSamples &t, quint32 movieScale)
{
    const TrackTimes times = timesOf(t, movieScale);
    const bool hasEditList = Mp4BoxReader::find(trak.payload, fourcc("edts")).has_value();
    const qsizetype trakStart = w.begin(fourcc("trak"));
    Mp4BoxReader children(trak.payload);
    while (auto child = children.nextBox()) {
        if (child->type == fourcc("tkhd")) {
            if (!writeWithDuration(w, *child, 8, times.presentation))
                return damaged(QStringLiteral("tkhd"));
            if (!hasEditList && t.startDts > 0)
                writeEditList(w, times.emptyEdit, times.presentation - times.emptyEdit);
        } else if (child->type == fourcc("mdia")) {
            const qsizetype mdiaStart = w.begin(fourcc("mdia"));
            Mp4BoxReader media(child->payload);
            while (auto m = media.nextBox()) {
                if (m->type == fourcc("mdhd")) {
                    if (!writeWithDuration(w, *m, 4, t.mediaDuration()))
                        return damaged(QStringLiteral("mdhd"));
                } else if (m->type == fourcc("minf")) {
                    const qsizetype minfStart = w.begin(fourcc("minf"));
                    Mp4BoxReader info(m->payload);
                    while (auto i = info.nextBox()) {
                        if (i->type != fourcc("stbl")) {
                            w.bytes(i->whole);
                            continue;
                        }
                        const auto stsd = Mp4BoxReader::find(i->payload, fourcc("stsd"));
                        if (!stsd)
                            return damaged(QStringLiteral("no stsd"));
                        writeSampleTable(w, *stsd, t);
                    }
                    if (!info.ok())
                        return damaged(QStringLiteral("minf"));
                    w.end(minfStart);
                } else {
                    w.bytes(m->whole);
                }
            }
            if (!media.ok())
                return damaged(QStringLiteral("mdia"));
            w.end(mdiaStart);
        } else {
            w.bytes(child->whole); // edts of its own, tref, udta, ...
        }
    }
    if (!children.ok())
        return damaged(QStringLiteral("trak"));
    w.end(trakStart);
    return success();
}

} // namespace

Result<QByteArray> Mp4MoovBuilder::build(QByteArrayView initMoov, const Mp4FragmentIndex &index)
{
    Mp4BoxReader outer(initMoov);
    const auto moov = outer.nextBox();
    if (!moov || moov->type != fourcc("moov"))
        return damaged(QStringLiteral("not a moov"));
    const quint32 movieScale = movieTimescale(moov->payload);
    if (movieScale == 0)
        return damaged(QStringLiteral("mvhd"));
    quint64 movieDuration = 0;
    for (const Mp4TrackSamples &t : index.tracks())
        movieDuration = std::max(movieDuration, timesOf(t, movieScale).presentation);

    QByteArray out;
    out.reserve(qsizetype(4096 + index.samples() * 12));
    Mp4BoxWriter w(out);
    const qsizetype moovStart = w.begin(fourcc("moov"));
    Mp4BoxReader children(moov->payload);
    while (auto child = children.nextBox()) {
        if (child->type == fourcc("mvhd")) {
            if (!writeWithDuration(w, *child, 4, movieDuration))
                return damaged(QStringLiteral("mvhd"));
        } else if (child->type == fourcc("trak")) {
            const Mp4TrackSamples *t = index.track(trackIdOf(child->payload));
            if (!t)
                return damaged(QStringLiteral("trak without samples"));
            if (Status s = writeTrack(w, *child, *t, movieScale); !s)
                return s.error();
        } else if (child->type != fourcc("mvex")) { // no longer fragmented
            w.bytes(child->whole);
        }
    }
    if (!children.ok())
        return damaged(QStringLiteral("moov"));
    w.end(moovStart);
    if (quint64(out.size()) > UINT32_MAX)
        return damaged(QStringLiteral("moov larger than 4 GiB"));
    return out;
}

} // namespace roomrec
