#include "recording/fragmentedmp4writer.h"

#include "common/logging.h"
#include "protocol/errorcode.h"
#include "recording/hybridmp4finisher.h"
#include "recording/mp4boxreader.h"
#include "recording/mp4fragmentindex.h"

#include <QtEndian>

#ifdef Q_OS_UNIX
#include <climits>
#include <sys/uio.h>
#include <unistd.h>
#endif

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

namespace roomrec {

// FFmpeg 6.1 made the AVIO write buffer const; accept both.
#if LIBAVFORMAT_VERSION_MAJOR >= 61
using AvioWriteBuffer = const uint8_t *;
#else
using AvioWriteBuffer = uint8_t *;
#endif

struct Mp4WriterIo {
    static int write(void *opaque, AvioWriteBuffer data, int size)
    {
        return static_cast<FragmentedMp4Writer *>(opaque)->onWrite(data, size);
    }
    static int64_t seek(void *opaque, int64_t offset, int whence)
    {
        return static_cast<FragmentedMp4Writer *>(opaque)->onSeek(offset, whence);
    }
};

namespace {
constexpr int kIoBufferBytes = 64 * 1024;

uint8_t *copyExtradata(const QByteArray &bytes)
{
    auto *out = static_cast<uint8_t *>(av_mallocz(size_t(bytes.size()) + AV_INPUT_BUFFER_PADDING_SIZE));
    if (out)
        memcpy(out, bytes.constData(), size_t(bytes.size()));
    return out;
}
} // namespace

FragmentedMp4Writer::FragmentedMp4Writer() = default;

FragmentedMp4Writer::~FragmentedMp4Writer()
{
    abandon();
}

qint64 FragmentedMp4Writer::realPosition(qint64 muxerPos) const
{
    return m_ftypEnd < 0 || muxerPos < m_ftypEnd ? muxerPos : muxerPos + HybridMp4Finisher::kReservedBytes;
}

bool FragmentedMp4Writer::writeAt(qint64 realPos, const char *data, qint64 size)
{
    if ((m_file.pos() != realPos && !m_file.seek(realPos)) || m_file.write(data, size) != size) {
        m_ioError = m_file.errorString();
        return false;
    }
    return true;
}

int FragmentedMp4Writer::onWrite(const uint8_t *data, int size)
{
    const char *bytes = reinterpret_cast<const char *>(data);
    qint64 left = size;
    if (m_ftypEnd < 0) {
        // The muxer's first write starts with the whole ftyp (it is tiny and our buffer is
        // not): the reserved box goes right after it.
        const qint64 ftypSize = size >= 8 ? qFromBigEndian<quint32>(data) : 0;
        if (m_muxerPos != 0 || size < 8 || memcmp(data + 4, "ftyp", 4) != 0 || ftypSize < 8 || ftypSize > size) {
            m_ioError = QStringLiteral("the muxer did not start with ftyp");
            return AVERROR(EIO);
        }
        char reserved[HybridMp4Finisher::kReservedBytes] = {};
        qToBigEndian(quint32(sizeof reserved), reserved);
        memcpy(reserved + 4, "free", 4);
        if (!writeAt(0, bytes, ftypSize) || !writeAt(ftypSize, reserved, sizeof reserved))
            return AVERROR(EIO);
        m_ftypEnd = m_muxerPos = ftypSize;
        bytes += ftypSize;
        left -= ftypSize;
    }
    if (left > 0 && m_muxerPos < m_ftypEnd) { // the muxer rewrites (part of) ftyp
        const qint64 n = qMin(left, m_ftypEnd - m_muxerPos);
        if (!writeAt(m_muxerPos, bytes, n))
            return AVERROR(EIO);
        m_muxerPos += n;
        bytes += n;
        left -= n;
    }
    if (left > 0 && !writeAt(realPosition(m_muxerPos), bytes, left))
        return AVERROR(EIO);
    m_muxerPos += left;
    m_bytesWritten = qMax(m_bytesWritten, m_file.pos());
#ifdef Q_OS_UNIX
    // Fragments reach the page cache at once (survives kill -9); fdatasync about once a
    // second bounds what a power cut can take.
    if (m_sinceSync.elapsed() >= 1000) {
        ::fdatasync(m_file.handle());
        m_sinceSync.restart();
    }
#endif
    return size;
}

int64_t FragmentedMp4Writer::onSeek(int64_t offset, int whence)
{
    // Positions in and out are the muxer's, which do not count the reserved box.
    const qint64 hidden = m_ftypEnd < 0 ? 0 : HybridMp4Finisher::kReservedBytes;
    switch (whence & ~AVSEEK_FORCE) {
    case AVSEEK_SIZE: return m_file.size() - hidden;
    case SEEK_SET: break;
    case SEEK_CUR: offset += m_muxerPos; break;
    case SEEK_END: offset += m_file.size() - hidden; break;
    default: return AVERROR(EINVAL);
    }
    if (offset < 0 || !m_file.seek(realPosition(offset)))
        return AVERROR(EIO);
    m_muxerPos = offset;
    return offset;
}

Status FragmentedMp4Writer::fail(const QString &what, int averror)
{
    const bool ioFailed = !m_ioError.isEmpty();
    const QString detail = QStringLiteral("%1: %2%3").arg(what, ioFailed ? m_ioError : avErrorText(averror), QString());
    return makeError(ioFailed ? ErrorCode::StorageWriteFailed : ErrorCode::MuxerFailed, detail);
}

Status FragmentedMp4Writer::open(const QString &path, const VideoParams &video, const std::optional<AudioParams> &audio)
{
    m_path = path;
    m_hasAudio = audio.has_value();
    m_muxerPos = 0;
    m_ftypEnd = -1;
    m_file.setFileName(path);
    // ReadWrite: the init moov is read back for its track IDs and timescales.
    if (!m_file.open(QIODevice::ReadWrite | QIODevice::Unbuffered | QIODevice::NewOnly))
        return makeError(ErrorCode::StorageWriteFailed, QStringLiteral("%1: %2").arg(path, m_file.errorString()));

    AVFormatContext *format = nullptr;
    if (int err = avformat_alloc_output_context2(&format, nullptr, "mp4", nullptr); err < 0)
        return fail(QStringLiteral("mp4 muxer"), err);
    m_format.reset(format);
    auto *buffer = static_cast<unsigned char *>(av_malloc(kIoBufferBytes));
    m_io = avio_alloc_context(buffer, kIoBufferBytes, 1, this, nullptr, &Mp4WriterIo::write, &Mp4WriterIo::seek);
    if (!m_io) {
        av_free(buffer);
        return makeError(ErrorCode::MuxerFailed, QStringLiteral("out of memory"));
    }
    m_format->pb = m_io;
    m_format->flags |= AVFMT_FLAG_CUSTOM_IO | AVFMT_FLAG_FLUSH_PACKETS;

    m_videoStream = avformat_new_stream(m_format.get(), nullptr);
    AVCodecParameters *vp = m_videoStream->codecpar;
    vp->codec_type = AVMEDIA_TYPE_VIDEO;
    vp->codec_id = AV_CODEC_ID_H264;
    vp->width = video.width;
    vp->height = video.height;
    vp->extradata = copyExtradata(video.extradata);
    vp->extradata_size = int(video.extradata.size());
    m_videoStream->time_base = AVRational{1, 90000};
    m_videoStream->avg_frame_rate = AVRational{video.frameRateNum, video.frameRateDen};

    if (audio) {
        m_audioStream = avformat_new_stream(m_format.get(), nullptr);
        AVCodecParameters *ap = m_audioStream->codecpar;
        ap->codec_type = AVMEDIA_TYPE_AUDIO;
        ap->codec_id = AV_CODEC_ID_AAC;
        ap->sample_rate = audio->sampleRate;
        av_channel_layout_default(&ap->ch_layout, audio->channels);
        ap->frame_size = 1024;
        ap->extradata = copyExtradata(audio->extradata);
        ap->extradata_size = int(audio->extradata.size());
        m_audioStream->time_base = AVRational{1, audio->sampleRate};
    }

    AVDictionary *options = nullptr;
    // No mfra trailer: its offsets would be the muxer's (off by the reserved box), and the
    // finished file's moov indexes every sample anyway.
    av_dict_set(&options, "movflags", "empty_moov+default_base_moof+frag_keyframe+skip_trailer", 0);
    const int err = avformat_write_header(m_format.get(), &options);
    av_dict_free(&options);
    if (err < 0) {
        Status failure = fail(QStringLiteral("header"), err);
        abandon();
        return failure;
    }
    // The muxer wrote ftyp and the init moov (sample descriptions: the part worth its care);
    // the fragments are ours (Mp4FragmentBuilder), so it is done.
    avio_flush(m_io);
    closeMuxer();
    if (!m_ioError.isEmpty())
        return makeError(ErrorCode::StorageWriteFailed, QStringLiteral("header: %1").arg(m_ioError));
    auto tracks = initTracks();
    if (!tracks) {
        m_file.close();
        return tracks.error();
    }
    m_fragments.emplace(tracks.value().first, tracks.value().second);
    m_writePos = m_file.size();
    m_bytesWritten = m_writePos;
    m_sinceSync.start();
    qCDebug(lcRecording) << "opened" << path;
    return success();
}

Result<std::pair<Mp4FragmentBuilder::Track, std::optional<Mp4FragmentBuilder::Track>>> FragmentedMp4Writer::initTracks()
{
    // Track IDs and timescales are the muxer's choice: read them from the moov it wrote.
    if (!m_file.seek(0))
        return makeError(ErrorCode::StorageWriteFailed, QStringLiteral("%1: %2").arg(m_path, m_file.errorString()));
    const QByteArray head = m_file.read(m_file.size());
    const auto moov = Mp4BoxReader::find(head, fourcc("moov"));
    Mp4FragmentIndex index;
    if (!moov)
        return makeError(ErrorCode::MuxerFailed, QStringLiteral("the muxer wrote no moov"));
    if (Status s = index.readInit(moov->payload); !s)
        return s.error();
    const auto &tracks = index.tracks();
    if (tracks.size() != (m_hasAudio ? 2u : 1u))
        return makeError(ErrorCode::MuxerFailed, QStringLiteral("the init moov has %1 tracks").arg(tracks.size()));
    // Tracks are in stream order: video first.
    std::optional<Mp4FragmentBuilder::Track> audio;
    if (m_hasAudio)
        audio = Mp4FragmentBuilder::Track{tracks[1].trackId, tracks[1].timescale};
    return std::make_pair(Mp4FragmentBuilder::Track{tracks[0].trackId, tracks[0].timescale}, audio);
}

Status FragmentedMp4Writer::write(const MediaPacket &packet, qint64 ptsUs, qint64 dtsUs)
{
    if (!m_fragments)
        return makeError(ErrorCode::MuxerFailed, QStringLiteral("file not open"));
    auto fragment = m_fragments->add(packet, ptsUs, dtsUs);
    if (!fragment)
        return fragment.error();
    if (fragment.value()) {
        if (Status s = writeFragment(*fragment.value()); !s)
            return s;
    }
    if (packet.isVideo()) {
        ++m_videoFrames;
        m_videoEndUs = qMax(m_videoEndUs, ptsUs + packet.durationUs);
    }
    return success();
}

Status FragmentedMp4Writer::writeFragment(const Mp4FragmentBuilder::Fragment &fragment)
{
    // One gather write per fragment: the media goes from the packets to the kernel as is.
    qint64 written = 0;
#ifdef Q_OS_UNIX
    std::vector<iovec> iov;
    iov.reserve(fragment.pieces.size());
    for (const auto &piece : fragment.pieces)
        iov.push_back({const_cast<char *>(piece.data), size_t(piece.size)});
    size_t first = 0;
    while (first < iov.size()) {
        const int count = int(qMin<size_t>(iov.size() - first, IOV_MAX));
        const ssize_t n = ::pwritev(m_file.handle(), iov.data() + first, count, m_writePos + written);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return makeError(ErrorCode::StorageWriteFailed, QStringLiteral("%1: %2").arg(m_path, QString::fromLocal8Bit(strerror(errno))));
        }
        written += n;
        // A short write: skip what went out, go on from the middle of a piece if need be.
        size_t left = size_t(n);
        while (first < iov.size() && left >= iov[first].iov_len)
            left -= iov[first++].iov_len;
        if (first < iov.size()) {
            iov[first].iov_base = static_cast<char *>(iov[first].iov_base) + left;
            iov[first].iov_len -= left;
        }
    }
#else
    if (!m_file.seek(m_writePos))
        return makeError(ErrorCode::StorageWriteFailed, QStringLiteral("%1: %2").arg(m_path, m_file.errorString()));
    for (const auto &piece : fragment.pieces) {
        if (m_file.write(piece.data, piece.size) != piece.size)
            return makeError(ErrorCode::StorageWriteFailed, QStringLiteral("%1: %2").arg(m_path, m_file.errorString()));
        written += piece.size;
    }
#endif
    m_writePos += written;
    m_bytesWritten = m_writePos;
#ifdef Q_OS_UNIX
    // Fragments reach the page cache at once (survives kill -9); fdatasync about once a
    // second bounds what a power cut can take.
    if (m_sinceSync.elapsed() >= 1000) {
        ::fdatasync(m_file.handle());
        m_sinceSync.restart();
    }
#endif
    return success();
}

Status FragmentedMp4Writer::finish()
{
    if (!m_fragments)
        return success();
    Status result = success();
    if (auto last = m_fragments->finish())
        result = writeFragment(*last);
#ifdef Q_OS_UNIX
    if (::fdatasync(m_file.handle()) != 0 && result)
        result = makeError(ErrorCode::StorageWriteFailed, QStringLiteral("fdatasync"));
#endif
    m_bytesWritten = m_file.size();
    abandon();
    return result;
}

void FragmentedMp4Writer::closeMuxer()
{
    if (m_io) {
        avio_flush(m_io);
        av_freep(&m_io->buffer);
        avio_context_free(&m_io);
    }
    if (m_format)
        m_format->pb = nullptr;
    m_format.reset();
    m_videoStream = m_audioStream = nullptr;
}

void FragmentedMp4Writer::abandon()
{
    // What was written stays; the samples still held (a fragment in the making) are dropped.
    closeMuxer();
    m_fragments.reset();
    m_file.close();
}

} // namespace roomrec
