#pragma once

#include <QtGlobal>

#include <functional>

namespace roomrec {

// File IDs: unsigned 64-bit, unique across restarts and across servers.
// Layout (high to low): 41 bits milliseconds since 2024-01-01 UTC, 10 bits node ID,
// 12 bits sequence. Never reused: every ID is strictly greater than the previous one and
// than the floor given at construction (the highest ID the catalogue already holds), so a
// clock that steps back cannot repeat an ID.
class IdGenerator {
public:
    using Clock = std::function<qint64()>; // milliseconds since the Unix epoch

    static constexpr int kNodeBits = 10;
    static constexpr int kSequenceBits = 12;
    static constexpr quint32 kMaxNode = (1u << kNodeBits) - 1;
    static constexpr qint64 kEpochMs = 1704067200000; // 2024-01-01T00:00:00Z

    explicit IdGenerator(quint32 nodeId, quint64 floor = 0, Clock clock = {});

    quint64 next();
    quint32 nodeId() const { return m_nodeId; }

    static quint32 nodeOf(quint64 id) { return quint32((id >> kSequenceBits) & kMaxNode); }

private:
    quint32 m_nodeId;
    quint64 m_last;
    Clock m_clock;
};

} // namespace roomrec
