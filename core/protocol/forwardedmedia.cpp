#include "protocol/forwardedmedia.h"

#include "protocol/errorcode.h"
#include "protocol/frame.h"
#include "protocol/protocollimits.h"

#include <QtEndian>

namespace roomrec {

QByteArray ForwardedMedia::frameHeader(const QByteArray &userIdUtf8, const MediaPacket &packet)
{
    const QByteArray media = packet.frameHeader(); // 5-byte frame header + packet header
    const qsizetype idBytes = qMin<qsizetype>(userIdUtf8.size(), 255);
    QByteArray out;
    out.reserve(media.size() + 1 + idBytes);
    const quint32 length = quint32(1 + idBytes + MediaPacket::kHeaderBytes + packet.data.size());
    char head[5];
    qToBigEndian<quint32>(length, head);
    head[4] = char(FrameKind::Forwarded);
    out.append(head, 5);
    out.append(char(idBytes));
    out.append(userIdUtf8.constData(), idBytes);
    out.append(media.constData() + 5, MediaPacket::kHeaderBytes);
    return out;
}

Result<ForwardedMedia> ForwardedMedia::decode(QByteArray &&payload)
{
    if (payload.isEmpty())
        return makeError(ErrorCode::MalformedMediaPacket, QStringLiteral("forwarded: empty"));
    const int idBytes = quint8(payload.at(0));
    if (idBytes == 0 || idBytes > protocol::kMaxUserIdChars || payload.size() < 1 + idBytes)
        return makeError(ErrorCode::MalformedMediaPacket, QStringLiteral("forwarded: user ID"));
    ForwardedMedia out;
    out.userId = QString::fromUtf8(payload.constData() + 1, idBytes);
    payload.remove(0, 1 + idBytes); // moves the array's start: no copy
    auto packet = MediaPacket::decode(std::move(payload));
    if (!packet)
        return packet.error();
    out.packet = std::move(packet.value());
    return out;
}

} // namespace roomrec
