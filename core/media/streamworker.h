#pragma once

#include "media/publishpipeline.h"

#include <QObject>

#include <functional>
#include <memory>

class QThread;

namespace roomrec {

// A PublishPipeline on its own thread, driven without ever waiting for that thread: the
// desktop app's GUI thread calls start(), setEncoding() and stop(), and learns the outcome
// from signals. The pipeline is built inside the worker thread (opening devices and
// choosing among hardware and software encoders can take a long time) and destroyed there.
// (PipelineThread is the blocking counterpart the CLI and tests use.)
class StreamWorker : public QObject {
    Q_OBJECT
public:
    using Factory = std::function<Result<std::unique_ptr<PublishPipeline>>()>;
    enum class State { Idle, Starting, Running, Stopping, Stopped };

    // factory runs in the worker thread; whatever it uses must outlive the worker.
    StreamWorker(Track track, Factory factory, QObject *parent = nullptr);
    // Callers stop() and wait for stopped(); if the worker is still running here, this is
    // the one place that waits for its thread (the object is going away).
    ~StreamWorker() override;

    Track track() const { return m_track; }
    State state() const { return m_state; }
    bool isEncoding() const { return m_encoding; }
    QString description() const { return m_description; }
    bool isTestSource() const { return m_testSource; }
    QString encoderName() const { return m_encoderName; }

    void start();                // -> started() or errorOccurred() then stopped()
    void setEncoding(bool on);   // -> encodingStarted() / encodingStopped() / errorOccurred()
    void stop();                 // -> stopped(), after the encoders' last packets
    void requestKeyFrame();      // the next encoded frame is an IDR
    // Camera off / mic off (PublishPipeline::setVideoMuted/setAudioMuted); kept across start().
    void setMuted(bool video, bool audio);
    bool isVideoMuted() const { return m_videoMuted; }
    bool isAudioMuted() const { return m_audioMuted; }

signals:
    void started(const QString &description, bool isTestSource);
    void encodingStarted(const roomrec::VideoParams &video, const std::optional<roomrec::AudioParams> &audio);
    void encodingStopped();
    void packetReady(const roomrec::MediaPacket &packet);
    void previewReady(const QImage &image);
    void statsUpdated(const roomrec::PublishStats &stats);
    void errorOccurred(int code, const QString &message);
    void stopped();

private:
    void inWorker(std::function<void()> f);
    void onThreadFinished();

    Track m_track;
    Factory m_factory;
    State m_state = State::Idle;
    bool m_encoding = false;
    bool m_wantEncoding = false;
    bool m_videoMuted = false;
    bool m_audioMuted = false;
    QString m_description;
    bool m_testSource = false;
    QString m_encoderName;
    QThread *m_thread = nullptr;
    QObject *m_context = nullptr;           // lives in m_thread: runs the work there
    PublishPipeline *m_pipeline = nullptr;  // touched only in m_thread
};

} // namespace roomrec
