#pragma once

#include <QByteArrayView>
#include <QtGlobal>

#include <optional>

namespace roomrec {

// A box type as the 32-bit big-endian number its four characters make ('moov', 'trun').
constexpr quint32 fourcc(const char (&s)[5])
{
    return quint32(quint8(s[0])) << 24 | quint32(quint8(s[1])) << 16 | quint32(quint8(s[2])) << 8 | quint32(quint8(s[3]));
}

// Reads big-endian fields and child boxes of an ISO BMFF (MP4) box held in memory. Every
// read is bounds-checked: past the end it returns 0 and ok() turns false for good, so a
// parser reads a whole structure and checks ok() once instead of after every field.
class Mp4BoxReader {
public:
    struct Box {
        quint32 type = 0;
        QByteArrayView whole;   // header + payload
        QByteArrayView payload; // after the header (and after nothing else: full-box
                                // version/flags are the payload's first 4 bytes)
    };

    explicit Mp4BoxReader(QByteArrayView data) : m_data(data) {}

    quint8 u8();
    quint16 u16();
    quint32 u32();
    quint64 u64();
    QByteArrayView bytes(qsizetype n);
    void skip(qsizetype n) { (void)bytes(n); }

    bool ok() const { return m_ok; }
    bool atEnd() const { return m_pos >= m_data.size(); }
    qsizetype position() const { return m_pos; }
    qsizetype remaining() const { return m_data.size() - m_pos; }

    // The next box at the cursor; nothing at the end, nothing and !ok() when it is damaged
    // (a size smaller than its header or larger than what is left).
    std::optional<Box> nextBox();
    // The first child of `type` in `payload` (a container's payload).
    static std::optional<Box> find(QByteArrayView payload, quint32 type);

private:
    QByteArrayView m_data;
    qsizetype m_pos = 0;
    bool m_ok = true;
};

} // namespace roomrec
