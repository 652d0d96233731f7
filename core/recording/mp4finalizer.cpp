#include "recording/mp4finalizer.h"

#include "common/ffmpegptr.h"
#include "common/logging.h"
#include "library/catalog.h"
#include "protocol/errorcode.h"

#include <QFile>
#include <QFileInfo>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <unistd.h>
#endif

namespace roomrec {

Mp4Finalizer::Mp4Finalizer(Catalog &catalog, QObject *parent) : QObject(parent), m_catalog(catalog)
{
    m_pool.setMaxThreadCount(1); // one file at a time: disk bandwidth is the limit anyway
}

Mp4Finalizer::~Mp4Finalizer()
{
    waitForAll();
}

void Mp4Finalizer::enqueue(quint64 fileId, const QString &path)
{
    m_busy.insert(fileId);
    m_pool.start([this, fileId, path] {
        Result<qint64> size = finalize(path);
        {
            QMutexLocker lock(&m_mutex);
            m_done << Done{fileId, std::move(size)};
        }
        QMetaObject::invokeMethod(this, &Mp4Finalizer::applyResults, Qt::QueuedConnection);
    });
}

void Mp4Finalizer::waitForAll()
{
    m_pool.waitForDone();
    applyResults();
}

void Mp4Finalizer::applyResults()
{
    QList<Done> done;
    {
        QMutexLocker lock(&m_mutex);
        done.swap(m_done);
    }
    for (const Done &d : done) {
        m_busy.remove(d.fileId);
        if (!d.size) {
            // The fragmented file stays: it plays, only without a global index.
            qCWarning(lcRecording).noquote() << "file" << d.fileId << "kept fragmented:" << d.size.error().toString();
            emit fileReady(d.fileId);
            continue;
        }
        auto record = m_catalog.file(d.fileId);
        if (!record) {
            emit fileReady(d.fileId);
            continue;
        }
        record->sizeBytes = d.size.value();
        (void)m_catalog.update(record.value());
        emit finalized(d.fileId, d.size.value());
        emit fileReady(d.fileId);
    }
}

Result<qint64> Mp4Finalizer::finalize(const QString &path)
{
    AVFormatContext *rawIn = nullptr;
    if (int err = avformat_open_input(&rawIn, path.toUtf8().constData(), nullptr, nullptr); err < 0)
        return makeError(ErrorCode::MuxerFailed, avErrorText(err));
    AvInputFormatContextPtr in(rawIn);
    if (int err = avformat_find_stream_info(in.get(), nullptr); err < 0)
        return makeError(ErrorCode::MuxerFailed, avErrorText(err));
    const QString tmp = temporaryPath(path);
    AVFormatContext *rawOut = nullptr;
    if (int err = avformat_alloc_output_context2(&rawOut, nullptr, "mp4", tmp.toUtf8().constData()); err < 0)
        return makeError(ErrorCode::MuxerFailed, avErrorText(err));
    AvOutputFormatContextPtr out(rawOut);
    for (unsigned i = 0; i < in->nb_streams; ++i) {
        AVStream *st = avformat_new_stream(out.get(), nullptr);
        avcodec_parameters_copy(st->codecpar, in->streams[i]->codecpar);
        st->codecpar->codec_tag = 0;
        st->time_base = in->streams[i]->time_base;
    }
    auto fail = [&](const QString &what, int err) {
        if (out->pb)
            avio_closep(&out->pb);
        QFile::remove(tmp);
        return Error{int(ErrorCode::StorageWriteFailed), QStringLiteral("%1: %2").arg(what, avErrorText(err))};
    };
    if (int err = avio_open(&out->pb, tmp.toUtf8().constData(), AVIO_FLAG_WRITE); err < 0)
        return fail(QStringLiteral("open"), err);
    AVDictionary *options = nullptr;
    av_dict_set(&options, "movflags", "+faststart", 0);
    const int headerErr = avformat_write_header(out.get(), &options);
    av_dict_free(&options);
    if (headerErr < 0)
        return fail(QStringLiteral("header"), headerErr);
    AvPacketPtr packet(av_packet_alloc());
    while (av_read_frame(in.get(), packet.get()) >= 0) {
        av_packet_rescale_ts(packet.get(), in->streams[packet->stream_index]->time_base,
                             out->streams[packet->stream_index]->time_base);
        packet->pos = -1;
        if (int err = av_interleaved_write_frame(out.get(), packet.get()); err < 0)
            return fail(QStringLiteral("write"), err);
    }
    if (int err = av_write_trailer(out.get()); err < 0)
        return fail(QStringLiteral("trailer"), err);
    avio_closep(&out->pb);
#ifdef Q_OS_UNIX
    // Durable before it replaces the original.
    if (int fd = ::open(tmp.toUtf8().constData(), O_RDONLY); fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
#endif
    in.reset();
#ifdef Q_OS_WIN
    // Windows cannot rename over a file; a crash between these two steps leaves only
    // NAME.finalizing, which CrashRecovery puts back in place at the next start.
    QFile::remove(path);
#endif
    if (std::rename(tmp.toUtf8().constData(), path.toUtf8().constData()) != 0) {
        QFile::remove(tmp);
        return makeError(ErrorCode::StorageWriteFailed, QStringLiteral("rename %1").arg(tmp));
    }
    return QFileInfo(path).size();
}

} // namespace roomrec
