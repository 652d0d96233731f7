#include "recording/segmentfilewriter.h"

#include "common/logging.h"
#include "protocol/errorcode.h"
#include "recording/mp4probe.h"
#include "recording/mp4repair.h"

#include <QFile>
#include <QFileInfo>
#include <QThread>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <unistd.h>
#endif

namespace roomrec {

namespace {
// A new file's name lives in its directory: without syncing that too, a power cut can lose
// the whole file even though its data were synced.
void syncDirectoryOf(const QString &path)
{
#ifdef Q_OS_UNIX
    const int fd = ::open(QFile::encodeName(QFileInfo(path).absolutePath()).constData(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
#else
    Q_UNUSED(path);
#endif
}
} // namespace

SegmentFileWriter::SegmentFileWriter(QThread *thread, QObject *owner, std::function<void(const Error &)> onFailure)
    : m_owner(owner), m_onFailure(std::move(onFailure))
{
    moveToThread(thread);
}

void SegmentFileWriter::open(const QString &path, const VideoParams &video, const std::optional<AudioParams> &audio)
{
    m_hasAudio = audio.has_value();
    QMetaObject::invokeMethod(this, [this, path, video, audio] {
        m_path = path;
        if (Status s = m_writer.open(path, video, audio); !s) {
            fail(s.error());
            return;
        }
        syncDirectoryOf(path);
    }, Qt::QueuedConnection);
}

void SegmentFileWriter::write(const MediaPacket &packet, qint64 ptsUs, qint64 dtsUs)
{
    const qint64 bytes = packet.data.size();
    m_accepted += bytes;
    if (m_batch.empty())
        m_batch.reserve(kBatchReserve); // a batch's usual count at once, not grown packet by packet
    m_batch.push_back({packet, ptsUs, dtsUs}); // the payload is implicitly shared: no copy
    m_batchBytes += bytes;
    if (packet.isVideo() || m_hasAudio) { // the muxer ignores audio for a file without an audio track
        if (closesFragment(packet, dtsUs)) {
            handOver();
            return;
        }
    }
    if (m_batchBytes >= kBatchBytes)
        handOver(); // memory only: the open fragment goes on
}

bool SegmentFileWriter::closesFragment(const MediaPacket &packet, qint64 dtsUs)
{
    // Mp4FragmentBuilder's rule, step by step: it holds each track's latest packet back
    // until the next one of that track comes; the first packet it moves into an empty
    // fragment sets where the fragment begins; and a video key frame, the second video frame
    // (the first fragment is the first frame alone, so a crash in the first second still
    // leaves a file that plays) or a packet a fragment's span after that beginning closes it.
    const bool video = packet.isVideo();
    qint64 &held = video ? m_heldVideoDtsUs : m_heldAudioDtsUs;
    if (m_fragmentStartUs < 0 && held >= 0)
        m_fragmentStartUs = held;
    held = dtsUs;
    if (m_fragmentStartUs < 0)
        return false; // nothing in the fragment yet: nothing to close
    const bool closes = (video && (packet.key || m_fragmentsClosed == 0)) || dtsUs - m_fragmentStartUs >= Mp4FragmentBuilder::kFragmentUs;
    if (closes) {
        ++m_fragmentsClosed;
        m_fragmentStartUs = -1; // empty again; this packet is held for the next one
    }
    return closes;
}

void SegmentFileWriter::handOver()
{
    if (m_batch.empty())
        return;
    const qint64 bytes = m_batchBytes;
    m_queued.fetch_add(bytes, std::memory_order_relaxed);
    QMetaObject::invokeMethod(this, [this, batch = std::move(m_batch), bytes] {
        for (const QueuedPacket &queued : batch) {
            if (m_error.code != 0 || !m_writer.isOpen())
                break;
            if (Status s = m_writer.write(queued.packet, queued.ptsUs, queued.dtsUs); !s)
                fail(s.error());
        }
        m_queued.fetch_sub(bytes, std::memory_order_relaxed);
    }, Qt::QueuedConnection);
    m_batch = {};
    m_batchBytes = 0;
}

void SegmentFileWriter::fail(const Error &error)
{
    if (m_error.code != 0)
        return;
    m_error = error;
    qCWarning(lcRecording).noquote() << "writing" << m_path << "failed:" << error.toString();
    if (m_owner) {
        QMetaObject::invokeMethod(m_owner.data(), [callback = m_onFailure, error] {
            if (callback)
                callback(error);
        }, Qt::QueuedConnection);
    }
}

SegmentFileWriter::Report SegmentFileWriter::finishNow()
{
    Report report;
    report.videoFrames = m_writer.videoFrames();
    if (!m_writer.isOpen()) {
        report.status = m_error.code ? Status(m_error) : Status(makeError(ErrorCode::MuxerFailed, QStringLiteral("the file was never opened")));
        report.state = FileRecord::State::Failed;
        return report;
    }
    Status finished = m_writer.finish();
    report.durationUs = m_writer.durationUs();
    report.sizeBytes = m_writer.bytesWritten();
    if (finished && m_error.code != 0)
        finished = m_error; // a write failed earlier: the file needs the repair below
    if (!finished) {
        // The trailer could not be written (disk full?): keep every complete fragment.
        report.status = finished;
        auto repaired = Mp4Repair::repair(m_path);
        report.state = repaired ? FileRecord::State::Recovered : FileRecord::State::Failed;
        if (repaired)
            report.sizeBytes = repaired->repairedSize;
        if (auto info = Mp4Probe::probe(m_path))
            report.durationUs = info->durationUs;
    }
    return report;
}

void SegmentFileWriter::finish(std::function<void(const Report &)> done)
{
    handOver();
    QPointer<QObject> owner = m_owner;
    QMetaObject::invokeMethod(this, [this, owner, done = std::move(done)] {
        const Report report = finishNow();
        if (owner)
            QMetaObject::invokeMethod(owner.data(), [done, report] { done(report); }, Qt::QueuedConnection);
        deleteLater(); // in this thread, after the queue above it
    }, Qt::QueuedConnection);
}

} // namespace roomrec
