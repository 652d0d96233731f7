#pragma once

#include "common/idgenerator.h"
#include "library/catalogworker.h"
#include "recording/mp4finalizer.h"
#include "recording/recorderconfig.h"
#include "recording/recordingrequest.h"
#include "recording/segment.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>

namespace roomrec {

// Where a resumed recording stands, in the publisher's own clock: the last video and audio
// decode times it has (-1: none yet). A publisher back after a lost connection sends what
// came after these and nothing before, so the file has neither a hole nor a duplicate.
struct ResumePoint {
    qint64 videoDtsUs = -1;
    qint64 audioDtsUs = -1;
};

// Records one user's stream (the guide's "one recording channel"): starts at the first
// key frame, cuts a new segment at the first key frame after every segment length, ends
// by itself after the idle timeout or when the quota is reached, and reports the file IDs.
//
// Timeline: every timestamp is taken relative to the first key frame, so segment N starts
// exactly where N-1 ended (mediaStartUs in the catalogue). At a cut, audio stamped before
// the cut still goes to the old file; the old file is closed when audio passes the cut.
class Recorder : public QObject {
    Q_OBJECT
public:
    // finalizer may be null (files then stay fragmented MP4, which still play). Files are
    // written on `writers`' threads.
    Recorder(CatalogWorker &catalog, IdGenerator &ids, WriterThreads &writers, RecorderConfig config, RecordingRequest request,
             Mp4Finalizer *finalizer = nullptr, QObject *parent = nullptr);
    ~Recorder() override;

    // Refuses at once what would only fail later: a file name too long for the file system
    // (in bytes, UTF-8), storage below the free-space floor, an exhausted quota.
    Status begin();
    void push(const MediaPacket &packet);
    // Ends the recording and returns its file IDs in order. Safe to call again.
    QStringList stop(const QString &reason = QStringLiteral("stopped"));

    // A re-published stream (new encoder settings): continue in a new segment.
    void restartStream(const VideoParams &video, const std::optional<AudioParams> &audio);
    // The same publisher back on a new connection with the same stream (same encoder, same
    // clock): the current file goes on. Returns nullopt, after restartStream, when the stream
    // differs (a new encoder cannot continue the old one's file).
    std::optional<ResumePoint> resumeStream(const VideoParams &video, const std::optional<AudioParams> &audio);

    QStringList fileIds() const;
    bool isFinished() const { return m_finished; }
    // More than RecorderConfig::backlogBytes wait for the disk: hold the publisher back.
    bool isBacklogged() const;
    bool hasStarted() const { return m_current != nullptr || !m_closedIds.isEmpty(); }
    const RecordingRequest &request() const { return m_request; }
    Track videoTrack() const;

signals:
    void keyFrameNeeded(roomrec::Track track);
    // Emitted once, however the recording ended (stop, idle, quota, error, shutdown).
    void finished(const QStringList &fileIds, const QString &reason, int errorCode, const QString &errorMessage);

private:
    Status openSegment(qint64 mediaStartUs);
    // Hands the segment over to be finished (it completes its row and goes to the finalizer
    // by itself); its ID joins the closed list.
    void closeSegment(std::unique_ptr<Segment> &segment, const QString &reason);
    void closePrevious();
    void fail(const Error &error);
    void checkIdle(); // and the key-frame wait, and the free-space floor
    Status checkStorage() const;
    QString segmentPath(quint64 id) const;
    Status checkFileName() const;

    CatalogWorker &m_catalog;
    IdGenerator &m_ids;
    WriterThreads &m_writers;
    Mp4Finalizer *m_finalizer;
    RecorderConfig m_config;
    RecordingRequest m_request;
    std::unique_ptr<Segment> m_current;
    std::unique_ptr<Segment> m_previous; // still taking late audio after a cut
    QList<quint64> m_closedIds;
    qint64 m_originUs = -1;   // capture time of the first key frame
    qint64 m_bytesClosed = 0; // bytes of closed segments
    qint64 m_lastEndUs = 0;
    qint64 m_lastDtsUs[kTrackCount] = {-1, -1, -1}; // per track, to refuse time going backwards
    qint64 m_packetsRefused = 0;   // end of the last video frame on the recording timeline
    int m_segmentIndex = 0;
    bool m_finished = false;
    bool m_needNewSegment = false;
    QTimer m_watchdog{this};
    QElapsedTimer m_sinceMedia;
    QElapsedTimer m_sinceKeyFrameRequest;
    QElapsedTimer m_waitingForKeyFrame; // since start or re-publish, while no file is open
    Error m_storageError;               // why the free-space floor ended it
};

} // namespace roomrec
