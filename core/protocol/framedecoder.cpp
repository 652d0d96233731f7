#include "protocol/framedecoder.h"

#include "common/sharedslice.h"
#include "protocol/errorcode.h"
#include "protocol/protocollimits.h"

#include <QtEndian>

namespace roomrec {

void FrameDecoder::feed(const QByteArray &bytes)
{
    if (m_failure)
        return;
    // Compact consumed bytes now and then rather than on every frame.
    if (m_offset > 0 && m_offset >= m_buffer.size() / 2) {
        m_buffer.remove(0, m_offset);
        m_offset = 0;
    }
    m_buffer.append(bytes);
}

Result<std::pair<FrameKind, quint32>> FrameDecoder::checkHeader(const char *header)
{
    const quint32 length = qFromBigEndian<quint32>(header);
    const auto kind = quint8(header[4]);
    quint32 limit = 0;
    switch (FrameKind(kind)) {
    case FrameKind::Control: limit = protocol::kMaxControlPayload; break;
    case FrameKind::Media: limit = protocol::kMaxMediaPayload; break;
    case FrameKind::Forwarded:
        if (m_side == Side::Client) {
            limit = protocol::kMaxMediaPayload + 1 + protocol::kMaxUserIdChars;
            break;
        }
        [[fallthrough]];
    default:
        m_failure = makeError(ErrorCode::UnknownFrameKind, QStringLiteral("kind %1").arg(kind));
        return *m_failure;
    }
    if (length > limit) {
        m_failure = makeError(ErrorCode::FrameTooLarge,
                              QStringLiteral("%1 bytes, limit %2").arg(length).arg(limit));
        return *m_failure;
    }
    return std::make_pair(FrameKind(kind), length);
}

Result<std::optional<Frame>> FrameDecoder::next()
{
    if (m_failure)
        return *m_failure;
    const qsizetype available = m_buffer.size() - m_offset;
    if (available < protocol::kFrameHeaderBytes)
        return std::optional<Frame>{};
    const auto header = checkHeader(m_buffer.constData() + m_offset);
    if (!header)
        return header.error();
    const auto [kind, length] = header.value();
    if (available < protocol::kFrameHeaderBytes + qsizetype(length))
        return std::optional<Frame>{};
    Frame frame{kind, m_buffer.mid(m_offset + protocol::kFrameHeaderBytes, length)};
    m_offset += protocol::kFrameHeaderBytes + length;
    if (m_offset == m_buffer.size()) {
        m_buffer.clear();
        m_offset = 0;
    }
    return std::optional<Frame>{std::move(frame)};
}

bool FrameDecoder::takeBlock(QIODevice &device)
{
    m_block = QByteArray();
    m_blockPos = 0;
    const qint64 available = device.bytesAvailable();
    if (available <= 0)
        return false;
    // Asking for exactly what a socket holds in one buffer block hands that block over
    // instead of copying it (QIODevice::read(qint64)).
    m_block = device.read(available);
    return !m_block.isEmpty();
}

Frame FrameDecoder::finishFrame(QByteArray payload)
{
    Frame frame{*m_kind, std::move(payload)};
    m_kind.reset();
    m_payload = QByteArray();
    m_headerBytes = m_payloadBytes = 0;
    m_length = 0;
    if (m_blockPos == m_block.size()) { // the block now lives only in its slices
        m_block = QByteArray();
        m_blockPos = 0;
    }
    return frame;
}

Result<std::optional<Frame>> FrameDecoder::read(QIODevice &device)
{
    if (m_failure)
        return *m_failure;
    for (;;) {
        if (m_blockPos == m_block.size() && !takeBlock(device))
            return std::optional<Frame>{};
        const char *p = m_block.constData();
        const qsizetype inBlock = m_block.size() - m_blockPos;
        if (!m_kind) {
            const qsizetype n = qMin<qsizetype>(protocol::kFrameHeaderBytes - m_headerBytes, inBlock);
            memcpy(m_header + m_headerBytes, p + m_blockPos, size_t(n));
            m_headerBytes += n;
            m_blockPos += n;
            if (m_headerBytes < protocol::kFrameHeaderBytes)
                continue;
            const auto header = checkHeader(m_header);
            if (!header)
                return header.error();
            m_kind = header.value().first;
            m_length = header.value().second;
            m_payload = QByteArray();
            m_payloadBytes = 0;
        }
        const qsizetype left = m_block.size() - m_blockPos;
        if (m_payloadBytes == 0 && left >= qsizetype(m_length)) { // wholly in this block
            const qsizetype at = m_blockPos;
            m_blockPos += m_length;
            // A slice keeps its whole block alive (the block's allocation, not just what was
            // read into it), while queues and caches count only the slice's bytes: only a
            // frame of at least a quarter of the allocation is shared, so what a kept frame
            // holds is at most four times what it is counted for, whatever else the block
            // held. The others (audio, small frames) are copied, which costs little.
            const bool share = *m_kind == FrameKind::Media && qsizetype(m_length) * 4 >= m_block.capacity();
            QByteArray payload = share ? sharedSlice(m_block, at, m_length) : QByteArray(p + at, m_length);
            return std::optional<Frame>{finishFrame(std::move(payload))};
        }
        // Spans blocks: grown to what has arrived, never to what the header announces, so a
        // header alone cannot make a connection hold megabytes.
        const qsizetype n = qMin<qsizetype>(m_length - m_payloadBytes, left);
        m_payload.append(p + m_blockPos, n);
        m_payloadBytes += n;
        m_blockPos += n;
        if (m_payloadBytes == qsizetype(m_length))
            return std::optional<Frame>{finishFrame(std::move(m_payload))};
    }
}

} // namespace roomrec
