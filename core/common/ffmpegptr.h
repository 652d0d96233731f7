#pragma once

// RAII owners for FFmpeg objects, so no error path leaks a context, a frame or a packet.
// Header-only: a part pays (links) only for the FFmpeg library whose deleter it uses.
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

#include <memory>

namespace roomrec {

struct AvFrameDeleter { void operator()(AVFrame *f) const { av_frame_free(&f); } };
using AvFramePtr = std::unique_ptr<AVFrame, AvFrameDeleter>;

struct AvPacketDeleter { void operator()(AVPacket *p) const { av_packet_free(&p); } };
using AvPacketPtr = std::unique_ptr<AVPacket, AvPacketDeleter>;

struct AvCodecContextDeleter { void operator()(AVCodecContext *c) const { avcodec_free_context(&c); } };
using AvCodecContextPtr = std::unique_ptr<AVCodecContext, AvCodecContextDeleter>;

struct AvInputFormatContextDeleter { void operator()(AVFormatContext *c) const { avformat_close_input(&c); } };
using AvInputFormatContextPtr = std::unique_ptr<AVFormatContext, AvInputFormatContextDeleter>;

struct AvOutputFormatContextDeleter { void operator()(AVFormatContext *c) const { avformat_free_context(c); } };
using AvOutputFormatContextPtr = std::unique_ptr<AVFormatContext, AvOutputFormatContextDeleter>;

struct SwsContextDeleter { void operator()(SwsContext *c) const { sws_freeContext(c); } };
using SwsContextPtr = std::unique_ptr<SwsContext, SwsContextDeleter>;

struct SwrContextDeleter { void operator()(SwrContext *c) const { swr_free(&c); } };
using SwrContextPtr = std::unique_ptr<SwrContext, SwrContextDeleter>;

} // namespace roomrec
