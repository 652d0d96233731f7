#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QtEndian>

namespace roomrec {

// Appends big-endian fields; begin()/end() bracket a box and fill in its size.
class Mp4BoxWriter {
public:
    explicit Mp4BoxWriter(QByteArray &out) : m_out(out) {}
    void u8(quint8 v) { m_out.append(char(v)); }
    void u16(quint16 v) { put(qToBigEndian(v)); }
    void u32(quint32 v) { put(qToBigEndian(v)); }
    void u64(quint64 v) { put(qToBigEndian(v)); }
    void bytes(QByteArrayView b) { m_out.append(b.data(), b.size()); }
    qsizetype begin(quint32 type)
    {
        const qsizetype start = m_out.size();
        u32(0);
        u32(type);
        return start;
    }
    qsizetype beginFull(quint32 type, quint8 version, quint32 flags)
    {
        const qsizetype start = begin(type);
        u32(quint32(version) << 24 | (flags & 0xffffff));
        return start;
    }
    void end(qsizetype start) { qToBigEndian(quint32(m_out.size() - start), m_out.data() + start); }

private:
    template <typename T>
    void put(T bigEndian) { m_out.append(reinterpret_cast<const char *>(&bigEndian), sizeof bigEndian); }
    QByteArray &m_out;
};

} // namespace roomrec
