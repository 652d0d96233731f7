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

Result<std::optional<Frame>> FrameDecoder::read(QIODevice &device)
{
    if (m_failure)
        return *m_failure;
    if (!m_kind) {
        const qint64 n = device.read(m_header + m_headerBytes, protocol::kFrameHeaderBytes - m_headerBytes);
        if (n > 0)
            m_headerBytes += n;
        if (m_headerBytes < protocol::kFrameHeaderBytes)
            return std::optional<Frame>{};
        const auto header = checkHeader(m_header);
        if (!header)
            return header.error();
        m_kind = header.value().first;
        m_length = header.value().second;
        m_payload = QByteArray();
        m_payloadBytes = 0;
    }
    if (m_payloadBytes < m_length) {
        // Grown to what has arrived, never to what the header announces: a header alone
        // must not make a connection hold megabytes.
        const qint64 want = qMin<qint64>(m_length - m_payloadBytes, device.bytesAvailable());
        if (want > 0) {
            m_payload.resize(m_payloadBytes + want);
            const qint64 n = device.read(m_payload.data() + m_payloadBytes, want);
            if (n > 0)
                m_payloadBytes += n;
            m_payload.resize(m_payloadBytes);
        }
        if (m_payloadBytes < m_length)
            return std::optional<Frame>{};
    }
    Frame frame{*m_kind, std::move(m_payload)};
    m_kind.reset();
    m_payload = QByteArray();
    m_headerBytes = m_payloadBytes = 0;
    m_length = 0;
    return std::optional<Frame>{std::move(frame)};
}

} // namespace roomrec
