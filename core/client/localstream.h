#pragma once

#include "client/publishedstream.h"
#include "client/roomclient.h"
#include "media/streamworker.h"

#include <QObject>

#include <memory>

namespace roomrec {

// One of the user's own streams (the camera with the microphone, or the screen share) as
// the desktop app's window shows it: capture for the local preview, and publishing, which is
// what turns encoding on. Nothing is encoded unless it is published, and nothing is published
// unless asked (setPublishWanted, or ensurePublished for a recording). Publishing follows the
// room: it starts when the client is in a room and stops when it leaves. All of it is
// asynchronous (StreamWorker); widgets observe the signals. Headless-testable.
class LocalStream : public QObject {
    Q_OBJECT
public:
    LocalStream(RoomClient &client, const MediaClock &clock, Track track, QObject *parent = nullptr);
    ~LocalStream() override;

    Track track() const { return m_track; }
    // Used from the next (re)start; a capturing stream restarts with them now.
    void setOptions(const PublishedStream::Options &options);
    PublishedStream::Options options() const { return m_options; }
    // The speakers' sound for the microphone's echo canceller, kept across setOptions().
    void setEchoReference(std::shared_ptr<FarEndReference> reference) { m_echoReference = std::move(reference); }

    void setCaptureWanted(bool on); // preview (and, when published, encode)
    bool captureWanted() const { return m_captureWanted; }
    void setPublishWanted(bool on); // publishing needs capture: on turns it on too
    bool publishWanted() const { return m_publishWanted; }
    // Publish now (for a recording): done once the server has the stream.
    void ensurePublished(RoomClient::DoneCallback onDone, RoomClient::ErrorCallback onError);
    void stopAll(); // no capture, no publishing; stopped() once the worker has ended
    // Camera off / mic off: that source is not captured (its device closed) and nothing of
    // it is sent; the stream stays published. Kept across restarts.
    void setSourcesMuted(bool video, bool audio);
    bool isVideoMuted() const { return m_videoMuted; }
    bool isAudioMuted() const { return m_audioMuted; }

    bool isCapturing() const { return m_worker != nullptr; } // a worker exists (maybe starting or ending)
    bool isEncoding() const { return m_worker && m_worker->isEncoding(); }
    bool isPublished() const { return m_published; }
    bool hasAudio() const { return m_audio.has_value(); } // the encoding (camera) stream carries the microphone
    bool isIdle() const { return !m_worker; }
    StreamWorker *worker() const { return m_worker.get(); }
    QString description() const { return m_worker ? m_worker->description() : QString(); }
    bool isTestSource() const { return m_worker && m_worker->isTestSource(); }
    QString encoderName() const { return m_worker ? m_worker->encoderName() : QString(); }

signals:
    void captureStarted(const QString &description, bool isTestSource);
    void previewReady(const QImage &image);
    void statsUpdated(const roomrec::PublishStats &stats);
    void publishWantedChanged(bool on);
    void captureWantedChanged(bool on);
    void publishedChanged(bool published);
    void encodingChanged(bool encoding);
    void errorOccurred(int code, const QString &message);
    void stopped(); // capture ended (after stopAll, or a source that failed)

private:
    void update();              // brings the worker in line with what is wanted
    void startWorker();
    void stopWorker();
    void onWorkerStopped();
    void onEncodingStarted(const VideoParams &video, const std::optional<AudioParams> &audio);
    void setPublished(bool on);
    void failPending(int code, const QString &message);
    bool encodingWanted() const;

    RoomClient &m_client;
    const MediaClock &m_clock;
    Track m_track;
    PublishedStream::Options m_options;
    std::shared_ptr<FarEndReference> m_echoReference;
    bool m_captureWanted = false;
    bool m_publishWanted = false;
    bool m_restart = false;    // options changed while capturing
    bool m_videoMuted = false;
    bool m_audioMuted = false;
    bool m_published = false;
    bool m_publishing = false; // publish request in flight
    std::unique_ptr<StreamWorker> m_worker;
    VideoParams m_video;                 // of the running encoders
    std::optional<AudioParams> m_audio;
    QList<QPair<RoomClient::DoneCallback, RoomClient::ErrorCallback>> m_pending;
};

} // namespace roomrec
