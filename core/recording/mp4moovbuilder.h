#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QByteArrayView>

namespace roomrec {

class Mp4FragmentIndex;

// Builds the complete, non-fragmented moov of a fragmented MP4 from its init moov and the
// samples of its fragments. Everything the init moov says is kept, byte for byte where it
// can be (sample descriptions, handlers, media headers' languages, user data); only the
// durations (as version-1 boxes, so hours never overflow), the sample tables (stts, ctts,
// stss, stsc, stsz, stco/co64 at the samples' absolute file offsets) and, for a track that
// starts late, an edit list are new; mvex goes. The media stays where the fragments put it.
class Mp4MoovBuilder {
public:
    // initMoov: the whole init moov box (header included).
    static Result<QByteArray> build(QByteArrayView initMoov, const Mp4FragmentIndex &index);
};

} // namespace roomrec
