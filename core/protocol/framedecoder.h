#pragma once

#include "common/result.h"
#include "protocol/frame.h"

#include <optional>

namespace roomrec {

// Splits a byte stream into frames. Sizes and kinds are checked from the 5-byte header
// before the payload is buffered, so a hostile length never allocates. After an error the
// decoder stays failed: the stream has lost its framing and the connection must close.
class FrameDecoder {
public:
    void feed(const QByteArray &bytes);

    // The next complete frame, nullopt when more bytes are needed, or an error.
    Result<std::optional<Frame>> next();

    qsizetype bufferedBytes() const { return m_buffer.size() - m_offset; }

private:
    QByteArray m_buffer;
    qsizetype m_offset = 0;
    std::optional<Error> m_failure;
};

} // namespace roomrec
