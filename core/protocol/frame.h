#pragma once

#include <QByteArray>

namespace roomrec {

enum class FrameKind : quint8 {
    Control = 1, // CBOR map (ControlMessage)
    Media = 2,   // MediaPacket
    Forwarded = 3, // ForwardedMedia: another member's packet, server to client only
};

// One unit on the wire: [u32 BE payload length][u8 kind][payload].
struct Frame {
    FrameKind kind = FrameKind::Control;
    QByteArray payload;

    QByteArray encode() const;
};

} // namespace roomrec
