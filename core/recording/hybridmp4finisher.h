#pragma once

#include "common/result.h"

namespace roomrec {

// Turns a closed fragmented MP4 written by FragmentedMp4Writer into a regular one in place,
// without moving or copying a byte of media (a "hybrid" MP4):
//
//   ftyp | free(16) | moov(init) | moof mdat | moof mdat | ...        as recorded
//   ftyp | free(16) | moov(init) | moof mdat | ... | free(new moov)  1. Staged
//   ftyp | free(16) | moov(init) | moof mdat | ... | moov            2. IndexInPlace
//   ftyp | mdat(64-bit, over the init moov and fragments) | moov    3. Flipped
//
// Each step is synced to disk before the next, and the file plays in every state: through
// step 2 readers use the init moov and the fragments (the trailing box, even a second
// moov, is skipped); after step 3 the complete index at the end. The flip itself is a 16-byte write in
// the file's first sector. The appended index costs ~12 bytes a sample, well under 1% of
// the file. Nothing is written until the whole structure has been read and understood: a
// file it cannot read or parse is left exactly as it was, a playable fragmented MP4; a
// failed append is cut back to the original size. The original is never truncated into,
// replaced or copied.
class HybridMp4Finisher {
public:
    enum class Step { Staged, IndexInPlace, Flipped };
    struct Outcome {
        qint64 sizeBefore = 0;
        qint64 sizeAfter = 0;
        qint64 bytesWritten = 0; // appended index + type + mdat header
        qint64 bytesRead = 0;    // box headers and moofs
        int fragments = 0;
        bool alreadyFinished = false;
    };

    // stopAfter: stop after an earlier step, leaving what a crash there would (tests).
    static Result<Outcome> finish(const QString &path, Step stopAfter = Step::Flipped);

    // FragmentedMp4Writer puts a `free` box of this size right after ftyp: room for a
    // 64-bit mdat header.
    static constexpr int kReservedBytes = 16;
    // An init moov or a moof larger than this is damage, not something to allocate.
    static constexpr qint64 kMaxHeaderBoxBytes = 64 * 1024 * 1024;
};

} // namespace roomrec
