#pragma once

#include <QByteArray>

namespace roomrec {

// Compares secrets (MACs, tokens) in time that does not depend on where they differ, so a
// timing side channel cannot reveal how much of a forgery was right.
inline bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    quint8 diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= quint8(a[i] ^ b[i]);
    return diff == 0;
}

} // namespace roomrec
