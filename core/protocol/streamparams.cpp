#include "protocol/streamparams.h"

#include "protocol/errorcode.h"
#include "protocol/protocollimits.h"

namespace roomrec {

namespace {
Result<qint64> intIn(const QCborMap &m, const char *key, qint64 min, qint64 max)
{
    const QCborValue v = m.value(QLatin1String(key));
    if (!v.isInteger() || v.toInteger() < min || v.toInteger() > max)
        return makeError(ErrorCode::InvalidStreamParams, QLatin1String(key));
    return v.toInteger();
}

// Annex B extradata holding an SPS and a PPS (anything less used to be muxed as it came and
// gave files no demuxer opens).
bool hasSpsAndPps(const QByteArray &e)
{
    if (!(e.startsWith(QByteArray("\0\0\1", 3)) || e.startsWith(QByteArray("\0\0\0\1", 4))))
        return false;
    const auto *b = reinterpret_cast<const quint8 *>(e.constData());
    bool sps = false;
    bool pps = false;
    for (qsizetype at = e.indexOf(QByteArray("\0\0\1", 3)); at >= 0; at = e.indexOf(QByteArray("\0\0\1", 3), at + 3)) {
        const qsizetype nal = at + 3;
        if (nal >= e.size())
            break;
        const int type = b[nal] & 0x1F;
        const qsizetype next = e.indexOf(QByteArray("\0\0\1", 3), nal);
        const qsizetype length = (next < 0 ? e.size() : next) - nal;
        sps = sps || (type == 7 && length >= 4);
        pps = pps || (type == 8 && length >= 2);
    }
    return sps && pps;
}

Result<QByteArray> extradataOf(const QCborMap &m)
{
    const QCborValue v = m.value(QStringLiteral("extradata"));
    if (!v.isByteArray() || v.toByteArray().isEmpty() || v.toByteArray().size() > protocol::kMaxExtradataBytes)
        return makeError(ErrorCode::InvalidStreamParams, QStringLiteral("extradata"));
    return v.toByteArray();
}

// avcC (ISO 14496-15: version, profile, compatibility, level, length size, SPS list, PPS
// list) to Annex B start codes.
Result<QByteArray> annexBFromAvcc(const QByteArray &avcc)
{
    const auto bad = [] { return makeError(ErrorCode::InvalidStreamParams, QStringLiteral("extradata (malformed avcC)")); };
    if (avcc.size() < 7)
        return bad();
    const auto *b = reinterpret_cast<const quint8 *>(avcc.constData());
    qsizetype at = 5;
    QByteArray out;
    for (int list = 0; list < 2; ++list) {
        if (at >= avcc.size())
            return bad();
        const int count = list == 0 ? (b[at] & 0x1f) : b[at];
        ++at;
        for (int i = 0; i < count; ++i) {
            if (at + 2 > avcc.size())
                return bad();
            const int length = (b[at] << 8) | b[at + 1];
            at += 2;
            if (length == 0 || at + length > avcc.size())
                return bad();
            out += QByteArray("\x00\x00\x00\x01", 4) + avcc.mid(at, length);
            at += length;
        }
        if (list == 0 && count == 0)
            return bad(); // no SPS
    }
    return out;
}

// The SPS/PPS as the server keeps them: Annex B, like the packets (the MP4 muxer converts
// the packets only when the extradata is Annex B too), with an SPS and a PPS.
Result<QByteArray> annexBExtradata(const QByteArray &extradata)
{
    QByteArray annexB = extradata;
    if (quint8(extradata.at(0)) == 1) { // avcC: configurationVersion 1
        auto converted = annexBFromAvcc(extradata);
        if (!converted)
            return converted.error();
        annexB = converted.value();
    }
    if (!hasSpsAndPps(annexB))
        return makeError(ErrorCode::InvalidStreamParams, QStringLiteral("extradata (an SPS and a PPS, Annex B or avcC)"));
    return annexB;
}
} // namespace

QCborMap VideoParams::toCbor() const
{
    return QCborMap{{QStringLiteral("codec"), codec},
                    {QStringLiteral("width"), width},
                    {QStringLiteral("height"), height},
                    {QStringLiteral("fpsNum"), frameRateNum},
                    {QStringLiteral("fpsDen"), frameRateDen},
                    {QStringLiteral("extradata"), extradata}};
}

Result<VideoParams> VideoParams::fromCbor(const QCborMap &m)
{
    VideoParams p;
    if (m.value(QStringLiteral("codec")).toString() != QLatin1String("h264"))
        return makeError(ErrorCode::InvalidStreamParams, QStringLiteral("codec (only h264)"));
    auto w = intIn(m, "width", 16, 7680);
    auto h = intIn(m, "height", 16, 4320);
    auto num = intIn(m, "fpsNum", 1, 240000);
    auto den = intIn(m, "fpsDen", 1, 100000);
    auto extra = extradataOf(m);
    if (extra)
        extra = annexBExtradata(extra.value());
    for (const Error *e : {w ? nullptr : &w.error(), h ? nullptr : &h.error(), num ? nullptr : &num.error(),
                           den ? nullptr : &den.error(), extra ? nullptr : &extra.error()}) {
        if (e)
            return *e;
    }
    p.width = int(w.value());
    p.height = int(h.value());
    p.frameRateNum = int(num.value());
    p.frameRateDen = int(den.value());
    p.extradata = extra.value();
    return p;
}

QCborMap AudioParams::toCbor() const
{
    return QCborMap{{QStringLiteral("codec"), codec},
                    {QStringLiteral("sampleRate"), sampleRate},
                    {QStringLiteral("channels"), channels},
                    {QStringLiteral("extradata"), extradata}};
}

Result<AudioParams> AudioParams::fromCbor(const QCborMap &m)
{
    AudioParams p;
    if (m.value(QStringLiteral("codec")).toString() != QLatin1String("aac"))
        return makeError(ErrorCode::InvalidStreamParams, QStringLiteral("codec (only aac)"));
    auto rate = intIn(m, "sampleRate", 8000, 96000);
    auto channels = intIn(m, "channels", 1, 8);
    auto extra = extradataOf(m);
    if (!rate)
        return rate.error();
    if (!channels)
        return channels.error();
    if (!extra)
        return extra.error();
    p.sampleRate = int(rate.value());
    p.channels = int(channels.value());
    p.extradata = extra.value();
    return p;
}

} // namespace roomrec
