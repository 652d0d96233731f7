#pragma once

#include <QByteArray>

namespace roomrec {

// `length` bytes of `bytes` from `pos`, sharing its memory instead of copying it (Qt 6's
// QByteArray::sliced() copies). The slice keeps the whole block alive; it behaves like any
// other QByteArray (writing to it while the block is shared detaches it first), with one
// difference: the byte after its end is the block's next byte, not a '\0'. Meant for binary
// payloads handed on by size (media frames cut out of one socket read), never for C strings.
inline QByteArray sharedSlice(const QByteArray &bytes, qsizetype pos, qsizetype length)
{
    Q_ASSERT(pos >= 0 && length >= 0 && pos + length <= bytes.size());
    if (length == 0)
        return {};
    QByteArray slice = bytes; // one more reference to the block, no copy
    QByteArray::DataPointer &d = slice.data_ptr();
    d.ptr += pos;
    d.size = length;
    return slice;
}

} // namespace roomrec
