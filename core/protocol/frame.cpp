#include "protocol/frame.h"

#include <QtEndian>

namespace roomrec {

QByteArray Frame::encode() const
{
    QByteArray out;
    out.resize(5 + payload.size());
    qToBigEndian<quint32>(quint32(payload.size()), out.data());
    out[4] = char(kind);
    memcpy(out.data() + 5, payload.constData(), size_t(payload.size()));
    return out;
}

} // namespace roomrec
