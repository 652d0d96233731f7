#pragma once

#include "common/result.h"
#include "protocol/mediapacket.h"

#include <QString>

namespace roomrec {

// Another member's media packet as the server forwards it to a subscriber (frame kind 3):
// u8 length of the publisher's user ID, the user ID (UTF-8), then the packet exactly as the
// publisher sent it (MediaPacket wire layout). The server builds the header once per packet
// and writes the publisher's payload after it for every subscriber, so the payload is shared,
// never copied per subscriber.
struct ForwardedMedia {
    QString userId;
    MediaPacket packet;

    // Frame header + user ID + packet header: what goes before `packet.data` on the wire.
    static QByteArray frameHeader(const QByteArray &userIdUtf8, const MediaPacket &packet);
    // Takes the payload over; the media data is not copied.
    static Result<ForwardedMedia> decode(QByteArray &&payload);
};

} // namespace roomrec
