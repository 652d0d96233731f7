#include "recording/mp4boxreader.h"

#include <QtEndian>

namespace roomrec {

QByteArrayView Mp4BoxReader::bytes(qsizetype n)
{
    if (!m_ok || n < 0 || n > remaining()) {
        m_ok = false;
        m_pos = m_data.size();
        return {};
    }
    const QByteArrayView out = m_data.sliced(m_pos, n);
    m_pos += n;
    return out;
}

quint8 Mp4BoxReader::u8()
{
    const QByteArrayView b = bytes(1);
    return b.isEmpty() ? 0 : quint8(b[0]);
}

quint16 Mp4BoxReader::u16()
{
    const QByteArrayView b = bytes(2);
    return b.isEmpty() ? 0 : qFromBigEndian<quint16>(b.data());
}

quint32 Mp4BoxReader::u32()
{
    const QByteArrayView b = bytes(4);
    return b.isEmpty() ? 0 : qFromBigEndian<quint32>(b.data());
}

quint64 Mp4BoxReader::u64()
{
    const QByteArrayView b = bytes(8);
    return b.isEmpty() ? 0 : qFromBigEndian<quint64>(b.data());
}

std::optional<Mp4BoxReader::Box> Mp4BoxReader::nextBox()
{
    if (!m_ok || atEnd())
        return std::nullopt;
    const qsizetype start = m_pos;
    quint64 size = u32();
    const quint32 type = u32();
    qsizetype header = 8;
    if (size == 1) {
        size = u64();
        header = 16;
    } else if (size == 0) {
        size = quint64(m_data.size() - start); // "to the end"
    }
    if (!m_ok || size < quint64(header) || size > quint64(m_data.size() - start)) {
        m_ok = false;
        m_pos = m_data.size();
        return std::nullopt;
    }
    Box box;
    box.type = type;
    box.whole = m_data.sliced(start, qsizetype(size));
    box.payload = box.whole.sliced(header);
    m_pos = start + qsizetype(size);
    return box;
}

std::optional<Mp4BoxReader::Box> Mp4BoxReader::find(QByteArrayView payload, quint32 type)
{
    Mp4BoxReader reader(payload);
    while (auto box = reader.nextBox()) {
        if (box->type == type)
            return box;
    }
    return std::nullopt;
}

} // namespace roomrec
