#pragma once

#include "common/result.h"
#include "protocol/frame.h"

#include <QIODevice>

#include <optional>

namespace roomrec {

// Splits a byte stream into frames. Sizes and kinds are checked from the 5-byte header
// before the payload is buffered, so a hostile length never allocates. After an error the
// decoder stays failed: the stream has lost its framing and the connection must close.
//
// Two ways in: feed() + next() for bytes at hand, or read(device), which takes from the
// device only what the current frame needs and reads its payload straight into the frame's
// own buffer (grown to what has arrived, so a hostile length still allocates nothing):
// one copy from the socket's buffer, where feed() + next() make three and regrow a buffer,
// which is what a server receiving hundreds of streams pays for.
// Use one way per decoder.
class FrameDecoder {
public:
    // Forwarded media (another member's packets) only ever flows from server to client: the
    // server's decoders refuse that kind like any unknown one.
    enum class Side { Server, Client };
    explicit FrameDecoder(Side side = Side::Server) : m_side(side) {}

    void feed(const QByteArray &bytes);

    // The next complete frame, nullopt when more bytes are needed, or an error.
    Result<std::optional<Frame>> next();
    // The same, reading from `device` as far as the next frame needs.
    Result<std::optional<Frame>> read(QIODevice &device);

    qsizetype bufferedBytes() const { return m_buffer.size() - m_offset + m_headerBytes + m_payloadBytes; }

private:
    // The header's kind and length, checked; fails the decoder when they are not acceptable.
    Result<std::pair<FrameKind, quint32>> checkHeader(const char *header);

    Side m_side;
    QByteArray m_buffer;
    qsizetype m_offset = 0;
    std::optional<Error> m_failure;
    // read(): the frame in progress.
    char m_header[5] = {};
    qsizetype m_headerBytes = 0;
    std::optional<FrameKind> m_kind; // set once the header is complete and accepted
    quint32 m_length = 0;
    QByteArray m_payload;
    qsizetype m_payloadBytes = 0;
};

} // namespace roomrec
