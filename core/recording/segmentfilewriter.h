#pragma once

#include "library/filerecord.h"
#include "recording/fragmentedmp4writer.h"

#include <QObject>
#include <QPointer>

#include <atomic>
#include <functional>
#include <vector>

namespace roomrec {

// One file's FragmentedMp4Writer, run on a writer thread: open, write and finish are posted
// there in order and return at once; results come back as callbacks in the owner's thread
// (dropped if the owner is gone). How many bytes wait in the queue is known at any time,
// so the caller can hold back a publisher instead of letting the queue grow.
//
// Packets are handed over in batches, not one by one: a post per packet costs the writer
// thread a wake-up (an eventfd write, a poll and a read) about 80 times a second per stream.
// A batch ends with the packet that makes the muxer close a fragment (a video key frame, the
// second video frame, or one fragment's span of media, Mp4FragmentBuilder::kFragmentUs), so
// the fragment is written the moment it can be, and the writer wakes about once a second per
// stream. Handing over more often would not put anything on disk sooner: the muxer keeps the
// open fragment in memory until that packet comes. A batch also goes when it holds
// kBatchBytes (memory), and at finish. So a kill loses the open fragment (at most about a
// second) and nothing more.
class SegmentFileWriter : public QObject {
    Q_OBJECT
public:
    struct Report {
        Status status = success();
        FileRecord::State state = FileRecord::State::Complete;
        qint64 videoFrames = 0;
        qint64 durationUs = 0;
        qint64 sizeBytes = 0;
    };

    // The writer moves itself to `thread` and deletes itself after finish().
    SegmentFileWriter(QThread *thread, QObject *owner, std::function<void(const Error &)> onFailure);

    void open(const QString &path, const VideoParams &video, const std::optional<AudioParams> &audio);
    void write(const MediaPacket &packet, qint64 ptsUs, qint64 dtsUs);
    void finish(std::function<void(const Report &)> done);

    // Handed to the writer thread and not yet taken by the muxer: what waits for the disk.
    // The batch still being gathered does not count: it waits for its fragment to end, not
    // for the disk, and a publisher held back for it would never send the packet ending it.
    qint64 queuedBytes() const { return m_queued.load(std::memory_order_relaxed); }
    qint64 bytesAccepted() const { return m_accepted; } // owner thread: payload handed over so far

    static constexpr qint64 kBatchBytes = 512 * 1024;
    static constexpr size_t kBatchReserve = 96; // a second of 30 fps video with 48 kHz AAC: ~80

private:
    struct QueuedPacket {
        MediaPacket packet;
        qint64 ptsUs;
        qint64 dtsUs;
    };
    using Batch = std::vector<QueuedPacket>;

    void handOver(); // owner thread: posts the batch to the writer thread
    bool closesFragment(const MediaPacket &packet, qint64 dtsUs); // owner thread, once per packet
    // Worker thread.
    void fail(const Error &error);
    Report finishNow();

    FragmentedMp4Writer m_writer;
    QString m_path;
    Error m_error; // the first failure; later writes are skipped
    // Shared.
    std::atomic<qint64> m_queued{0};
    // Owner thread.
    QPointer<QObject> m_owner;
    std::function<void(const Error &)> m_onFailure;
    qint64 m_accepted = 0;
    Batch m_batch;
    qint64 m_batchBytes = 0;
    // The muxer's fragment state, followed packet by packet (closesFragment()).
    bool m_hasAudio = false;
    qint64 m_heldVideoDtsUs = -1; // the packet of each track the muxer holds back
    qint64 m_heldAudioDtsUs = -1;
    qint64 m_fragmentStartUs = -1; // -1: the open fragment is empty
    qint64 m_fragmentsClosed = 0;
};

} // namespace roomrec
