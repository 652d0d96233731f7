#include "common/idgenerator.h"

#include <QDateTime>

namespace roomrec {

IdGenerator::IdGenerator(quint32 nodeId, quint64 floor, Clock clock)
    : m_nodeId(nodeId & kMaxNode), m_last(floor), m_clock(std::move(clock))
{
    if (!m_clock)
        m_clock = [] { return QDateTime::currentMSecsSinceEpoch(); };
}

quint64 IdGenerator::next()
{
    const quint64 ms = quint64(qMax<qint64>(0, m_clock() - kEpochMs));
    quint64 candidate = (ms << (kNodeBits + kSequenceBits)) | (quint64(m_nodeId) << kSequenceBits);
    if (candidate <= m_last) {
        // Same millisecond, or the clock stepped back: continue after the last ID. When
        // the sequence field overflows we borrow the next millisecond for this node.
        const quint64 lastMs = m_last >> (kNodeBits + kSequenceBits);
        const quint64 lastSeq = m_last & ((1u << kSequenceBits) - 1);
        const bool sameNode = nodeOf(m_last) == m_nodeId;
        if (sameNode && lastSeq + 1 < (1u << kSequenceBits))
            candidate = m_last + 1;
        else
            candidate = ((lastMs + 1) << (kNodeBits + kSequenceBits)) | (quint64(m_nodeId) << kSequenceBits);
    }
    m_last = candidate;
    return candidate;
}

} // namespace roomrec
