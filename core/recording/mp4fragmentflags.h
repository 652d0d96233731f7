#pragma once

#include <QtGlobal>

// The flag bits of the boxes that describe a fragment's samples (ISO/IEC 14496-12 8.8),
// shared by the code that writes fragments and the code that reads them.
namespace roomrec::mp4flags {
// tfhd
constexpr quint32 kBaseDataOffsetPresent = 0x000001;
constexpr quint32 kDescriptionIndexPresent = 0x000002;
constexpr quint32 kDefaultDurationPresent = 0x000008;
constexpr quint32 kDefaultSizePresent = 0x000010;
constexpr quint32 kDefaultFlagsPresent = 0x000020;
constexpr quint32 kDefaultBaseIsMoof = 0x020000;
// trun
constexpr quint32 kDataOffsetPresent = 0x000001;
constexpr quint32 kFirstSampleFlagsPresent = 0x000004;
constexpr quint32 kSampleDurationPresent = 0x000100;
constexpr quint32 kSampleSizePresent = 0x000200;
constexpr quint32 kSampleFlagsPresent = 0x000400;
constexpr quint32 kCompositionOffsetPresent = 0x000800;
// sample flags (8.8.3.1)
constexpr quint32 kSampleIsNonSync = 0x010000;              // sample_is_non_sync_sample
constexpr quint32 kSyncSample = 0x02000000;                 // depends on no other sample
constexpr quint32 kNonSyncSample = 0x01000000 | kSampleIsNonSync; // depends on others, not sync
} // namespace roomrec::mp4flags
