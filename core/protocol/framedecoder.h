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
// Two ways in: feed() + next() for bytes at hand, or read(device), made for a server
// receiving hundreds of streams. read() takes what the device holds as one block (a socket
// hands over its own read buffer: no copy) and cuts the media frames wholly inside it out
// as slices sharing the block (sharedSlice): no allocation and no copy per video frame, the
// block freed when its last frame has been written. A slice keeps the whole block alive, so
// only a media frame of at least a quarter of the block's allocation is shared; smaller ones
// (audio) and control payloads are copied. A frame that spans blocks is assembled in its own
// buffer, grown to what has arrived, so a hostile length still allocates nothing.
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

    qsizetype bufferedBytes() const
    {
        return m_buffer.size() - m_offset + m_headerBytes + m_payloadBytes + m_block.size() - m_blockPos;
    }

private:
    // The header's kind and length, checked; fails the decoder when they are not acceptable.
    Result<std::pair<FrameKind, quint32>> checkHeader(const char *header);
    // read(): takes the device's next block; false when it holds nothing.
    bool takeBlock(QIODevice &device);
    Frame finishFrame(QByteArray payload);

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
    QByteArray m_block; // what the device last handed over, until every byte of it is used
    qsizetype m_blockPos = 0;
};

} // namespace roomrec
