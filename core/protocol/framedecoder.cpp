#include "protocol/framedecoder.h"

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

Result<std::optional<Frame>> FrameDecoder::next()
{
    if (m_failure)
        return *m_failure;
    const qsizetype available = m_buffer.size() - m_offset;
    if (available < protocol::kFrameHeaderBytes)
        return std::optional<Frame>{};
    const char *header = m_buffer.constData() + m_offset;
    const quint32 length = qFromBigEndian<quint32>(header);
    const auto kind = quint8(header[4]);
    quint32 limit = 0;
    switch (FrameKind(kind)) {
    case FrameKind::Control: limit = protocol::kMaxControlPayload; break;
    case FrameKind::Media: limit = protocol::kMaxMediaPayload; break;
    default:
        m_failure = makeError(ErrorCode::UnknownFrameKind, QStringLiteral("kind %1").arg(kind));
        return *m_failure;
    }
    if (length > limit) {
        m_failure = makeError(ErrorCode::FrameTooLarge,
                              QStringLiteral("%1 bytes, limit %2").arg(length).arg(limit));
        return *m_failure;
    }
    if (available < protocol::kFrameHeaderBytes + qsizetype(length))
        return std::optional<Frame>{};
    Frame frame{FrameKind(kind), m_buffer.mid(m_offset + protocol::kFrameHeaderBytes, length)};
    m_offset += protocol::kFrameHeaderBytes + length;
    if (m_offset == m_buffer.size()) {
        m_buffer.clear();
        m_offset = 0;
    }
    return std::optional<Frame>{std::move(frame)};
}

} // namespace roomrec
