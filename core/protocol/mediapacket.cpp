#include "protocol/mediapacket.h"

#include "common/sharedslice.h"
#include "protocol/errorcode.h"
#include "protocol/frame.h"

#include <QtEndian>

namespace roomrec {

QByteArray MediaPacket::encode() const
{
    return frameHeader().mid(5) + data;
}

QByteArray MediaPacket::frameHeader() const
{
    QByteArray out(5 + kHeaderBytes, Qt::Uninitialized);
    char *p = out.data();
    qToBigEndian<quint32>(quint32(kHeaderBytes + data.size()), p);
    p[4] = char(FrameKind::Media);
    writeHeader(p + 5);
    return out;
}

void MediaPacket::writeHeader(char *p) const
{
    p[0] = char(track);
    p[1] = char(key ? 1 : 0);
    qToBigEndian<qint64>(ptsUs, p + 2);
    qToBigEndian<qint64>(dtsUs, p + 10);
    qToBigEndian<quint32>(quint32(durationUs), p + 18);
}

Result<MediaPacket> MediaPacket::decode(QByteArray &&payload)
{
    if (payload.size() <= kHeaderBytes)
        return makeError(ErrorCode::MalformedMediaPacket, QStringLiteral("too short"));
    const char *p = payload.constData();
    const auto track = quint8(p[0]);
    if (track >= kTrackCount)
        return makeError(ErrorCode::MalformedMediaPacket, QStringLiteral("track %1").arg(track));
    const auto flags = quint8(p[1]);
    if (flags & ~1u)
        return makeError(ErrorCode::MalformedMediaPacket, QStringLiteral("flags"));
    MediaPacket packet;
    packet.track = Track(track);
    packet.key = flags & 1u;
    packet.ptsUs = qFromBigEndian<qint64>(p + 2);
    packet.dtsUs = qFromBigEndian<qint64>(p + 10);
    const quint32 duration = qFromBigEndian<quint32>(p + 18);
    // Timestamps must be sane: non-negative, within ~100 years of µs, dts <= pts.
    constexpr qint64 kMaxUs = 100LL * 365 * 24 * 3600 * 1000000;
    if (packet.ptsUs < 0 || packet.dtsUs < 0 || packet.ptsUs > kMaxUs || packet.dtsUs > packet.ptsUs
        || duration > 10'000'000)
        return makeError(ErrorCode::MalformedMediaPacket, QStringLiteral("timestamps"));
    packet.durationUs = qint32(duration);
    // The media after the header, sharing the payload's memory (which may itself be a slice
    // of a socket read still shared with other frames): no copy either way.
    packet.data = sharedSlice(payload, kHeaderBytes, payload.size() - kHeaderBytes);
    return packet;
}

} // namespace roomrec
