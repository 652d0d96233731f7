#include "protocol/forwardedmedia.h"

#include "protocol/errorcode.h"
#include "protocol/frame.h"
#include "protocol/protocollimits.h"

#include <QtEndian>

#include <cstring>

namespace roomrec {

QByteArray ForwardedMedia::frameHeader(const QByteArray &userIdUtf8, const MediaPacket &packet)
{
    const qsizetype idBytes = qMin<qsizetype>(userIdUtf8.size(), 255);
    QByteArray out(5 + 1 + idBytes + MediaPacket::kHeaderBytes, Qt::Uninitialized); // one allocation per forwarded packet
    char *p = out.data();
    qToBigEndian<quint32>(quint32(1 + idBytes + MediaPacket::kHeaderBytes + packet.data.size()), p);
    p[4] = char(FrameKind::Forwarded);
    p[5] = char(idBytes);
    memcpy(p + 6, userIdUtf8.constData(), size_t(idBytes));
    packet.writeHeader(p + 6 + idBytes);
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
