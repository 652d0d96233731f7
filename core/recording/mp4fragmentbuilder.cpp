#include "recording/mp4fragmentbuilder.h"

#include "protocol/errorcode.h"
#include "recording/mp4boxreader.h"
#include "recording/mp4boxwriter.h"
#include "recording/mp4fragmentflags.h"

#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace roomrec {

namespace {
using namespace mp4flags;

quint64 toTimescale(qint64 us, quint32 timescale)
{
    const auto value = quint64(us);
    return value / 1'000'000 * timescale + (value % 1'000'000 * timescale + 500'000) / 1'000'000;
}

// Where the next Annex B start code (00 00 01, or 00 00 00 01) begins at or after `from`,
// and where the NAL after it begins; {size, size} when there is none. Media is high-entropy
// and, thanks to emulation prevention, never holds 00 00 01 inside a NAL; even a pair of zero
// bytes is rare. So with SSE2, 31 positions at a time are tested for a zero byte followed by
// another (two compares against zero, no shuffles), and only such a pair is looked at further:
// about half the instructions of testing all three bytes at every position, and far fewer
// than a memchr per 0x01 byte (one every ~256 bytes of media, a call each).
std::pair<qsizetype, qsizetype> nextStartCode(const char *p, qsizetype size, qsizetype from)
{
#ifdef __SSE2__
    const __m128i zero = _mm_setzero_si128();
    // A pair found at offset 30 has its third byte at 32: the block plus one byte must exist.
    for (; from + 33 <= size; from += 31) {
        const __m128i low = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + from));
        const __m128i high = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + from + 16));
        const quint32 zeros = quint32(_mm_movemask_epi8(_mm_cmpeq_epi8(low, zero)))
            | quint32(_mm_movemask_epi8(_mm_cmpeq_epi8(high, zero))) << 16;
        // Bit i: bytes i and i + 1 are both zero (i <= 30; offset 31 starts the next block).
        for (quint32 pairs = zeros & (zeros >> 1); pairs != 0; pairs &= pairs - 1) {
            const qsizetype code = from + qCountTrailingZeroBits(pairs);
            if (p[code + 2] == 1)
                return {code, code + 3};
        }
    }
#endif
    while (from + 2 < size) {
        const void *hit = std::memchr(p + from + 2, 1, size_t(size - from - 2));
        if (!hit)
            break;
        const qsizetype one = static_cast<const char *>(hit) - p;
        if (p[one - 1] == 0 && p[one - 2] == 0)
            return {one - 2, one + 1};
        from = one - 1;
    }
    return {size, size};
}

// The NAL units of an Annex B access unit (trailing zero bytes belong to no NAL). A payload
// without any start code is taken as one NAL rather than dropped.
std::vector<std::pair<qsizetype, qsizetype>> splitNals(const QByteArray &data)
{
    std::vector<std::pair<qsizetype, qsizetype>> nals;
    const char *p = data.constData();
    const qsizetype size = data.size();
    auto [code, begin] = nextStartCode(p, size, 0);
    if (code == size)
        return size > 0 ? decltype(nals){{0, size}} : nals;
    while (begin < size) {
        const auto [nextCode, nextBegin] = nextStartCode(p, size, begin);
        qsizetype end = nextCode;
        while (end > begin && p[end - 1] == 0)
            --end;
        if (end > begin)
            nals.emplace_back(begin, end - begin);
        begin = nextBegin;
    }
    return nals;
}
} // namespace

Mp4FragmentBuilder::Mp4FragmentBuilder(Track video, std::optional<Track> audio)
{
    m_video.trackId = video.id;
    m_video.timescale = video.timescale;
    m_video.video = true;
    if (audio) {
        m_audio.emplace();
        m_audio->trackId = audio->id;
        m_audio->timescale = audio->timescale;
    }
}

bool Mp4FragmentBuilder::fragmentEmpty() const
{
    return m_video.samples.empty() && (!m_audio || m_audio->samples.empty());
}

void Mp4FragmentBuilder::moveHeld(TrackState &state, quint64 nextDts)
{
    Sample &sample = *state.held;
    sample.duration = quint32(nextDts - sample.dts);
    state.lastDuration = sample.duration;
    if (fragmentEmpty())
        m_fragmentStartUs = sample.dtsUs;
    m_fragmentBytes += sample.size;
    m_heldBytes -= sample.size;
    state.samples.push_back(std::move(sample));
    state.held.reset();
}

Result<std::optional<Mp4FragmentBuilder::Fragment>> Mp4FragmentBuilder::add(const MediaPacket &packet, qint64 ptsUs, qint64 dtsUs)
{
    if (!packet.isVideo() && !m_audio)
        return std::optional<Fragment>();
    TrackState &state = packet.isVideo() ? m_video : *m_audio;
    if (dtsUs < 0 || ptsUs < dtsUs)
        return makeError(ErrorCode::MuxerFailed, QStringLiteral("timestamps out of order (pts %1 µs, dts %2 µs)").arg(ptsUs).arg(dtsUs));
    Sample sample;
    sample.dts = toTimescale(dtsUs, state.timescale);
    if (state.held && sample.dts <= state.held->dts)
        return makeError(ErrorCode::MuxerFailed, QStringLiteral("decode times do not increase (%1 µs)").arg(dtsUs));
    const quint64 compositionOffset = toTimescale(ptsUs, state.timescale) - sample.dts;
    qint64 size = packet.data.size();
    if (state.video) {
        sample.nals = splitNals(packet.data);
        size = 4 * qint64(sample.nals.size());
        for (const auto &nal : sample.nals)
            size += nal.second;
    }
    if (compositionOffset > UINT32_MAX || size > UINT32_MAX)
        return makeError(ErrorCode::MuxerFailed, QStringLiteral("sample too large"));
    sample.data = packet.data; // implicitly shared: no copy
    sample.compositionOffset = quint32(compositionOffset);
    sample.size = quint32(size);
    sample.key = packet.key || !state.video;
    sample.dtsUs = dtsUs;
    sample.durationUs = packet.durationUs;

    if (state.held)
        moveHeld(state, sample.dts);
    std::optional<Fragment> fragment;
    const bool empty = fragmentEmpty();
    // The first fragment is the first video frame (with the audio beside it) alone, out at
    // once: a recording killed in its first second still leaves a file that plays.
    const bool first = m_sequence == 0 && state.video;
    if (!empty && (first || (state.video && packet.key) || dtsUs - m_fragmentStartUs >= kFragmentUs || m_fragmentBytes >= kMaxFragmentBytes))
        fragment = build();
    m_heldBytes += sample.size;
    state.held = std::move(sample);
    return fragment;
}

std::optional<Mp4FragmentBuilder::Fragment> Mp4FragmentBuilder::finish()
{
    for (TrackState *state : {&m_video, m_audio ? &*m_audio : nullptr}) {
        if (!state || !state->held)
            continue;
        // The last sample lasts what its packet says, else as long as the one before it.
        quint64 duration = state->held->durationUs > 0 ? toTimescale(state->held->durationUs, state->timescale)
                                                        : state->lastDuration;
        moveHeld(*state, state->held->dts + qMax<quint64>(duration, 1));
    }
    if (fragmentEmpty())
        return std::nullopt;
    return build();
}

Mp4FragmentBuilder::Fragment Mp4FragmentBuilder::build()
{
    Fragment out;
    Mp4BoxWriter w(out.header);
    const qsizetype moof = w.begin(fourcc("moof"));
    const qsizetype mfhd = w.beginFull(fourcc("mfhd"), 0, 0);
    w.u32(++m_sequence);
    w.end(mfhd);

    std::vector<std::pair<qsizetype, qint64>> dataOffsets; // where each trun's field is, its bytes before
    qint64 dataBytes = 0;
    qsizetype nalCount = 0;
    for (TrackState *state : {&m_video, m_audio ? &*m_audio : nullptr}) {
        if (!state || state->samples.empty())
            continue;
        const qsizetype traf = w.begin(fourcc("traf"));
        const qsizetype tfhd = w.beginFull(fourcc("tfhd"), 0, kDefaultBaseIsMoof);
        w.u32(state->trackId);
        w.end(tfhd);
        const qsizetype tfdt = w.beginFull(fourcc("tfdt"), 1, 0);
        w.u64(state->samples.front().dts);
        w.end(tfdt);
        const quint32 flags = kDataOffsetPresent | kSampleDurationPresent | kSampleSizePresent | kSampleFlagsPresent | (state->video ? kCompositionOffsetPresent : 0);
        const qsizetype trun = w.beginFull(fourcc("trun"), 0, flags);
        w.u32(quint32(state->samples.size()));
        dataOffsets.emplace_back(out.header.size(), dataBytes);
        w.u32(0); // data offset, known once the moof is complete
        for (const Sample &s : state->samples) {
            w.u32(s.duration);
            w.u32(s.size);
            w.u32(s.key ? kSyncSample : kNonSyncSample);
            if (state->video)
                w.u32(s.compositionOffset);
            dataBytes += s.size;
            nalCount += qsizetype(s.nals.size());
        }
        w.end(trun);
        w.end(traf);
    }
    w.end(moof);
    const qint64 moofSize = out.header.size();
    for (const auto &[field, before] : dataOffsets)
        qToBigEndian(quint32(moofSize + 8 + before), out.header.data() + field);
    w.u32(quint32(8 + dataBytes));
    w.u32(fourcc("mdat"));

    // The lengths are all written before any piece points into them (no reallocation after).
    out.lengths.reserve(4 * nalCount);
    for (const Sample &s : m_video.samples) {
        for (const auto &nal : s.nals) {
            char length[4];
            qToBigEndian(quint32(nal.second), length);
            out.lengths.append(length, 4);
        }
    }
    out.pieces.reserve(1 + 2 * size_t(nalCount) + (m_audio ? m_audio->samples.size() : 0));
    out.pieces.push_back({out.header.constData(), out.header.size()});
    const char *length = out.lengths.constData();
    for (const Sample &s : m_video.samples) {
        for (const auto &nal : s.nals) {
            out.pieces.push_back({length, 4});
            length += 4;
            out.pieces.push_back({s.data.constData() + nal.first, nal.second});
        }
        out.payloads.push_back(s.data);
    }
    if (m_audio) {
        for (const Sample &s : m_audio->samples) {
            out.pieces.push_back({s.data.constData(), s.data.size()});
            out.payloads.push_back(s.data);
        }
        m_audio->samples.clear();
    }
    m_video.samples.clear();
    out.size = out.header.size() + dataBytes;
    m_fragmentBytes = 0;
    return out;
}

} // namespace roomrec
