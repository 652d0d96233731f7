#include "media/streamworker.h"

#include <QThread>
#include <QTimer>

namespace roomrec {

StreamWorker::StreamWorker(Track track, Factory factory, QObject *parent)
    : QObject(parent), m_track(track), m_factory(std::move(factory))
{
}

StreamWorker::~StreamWorker()
{
    if (!m_thread)
        return;
    // Last resort (the owner did not wait for stopped()): finish in the worker, then join.
    if (m_state != State::Stopping)
        stop();
    m_thread->wait();
    delete m_thread;
}

void StreamWorker::inWorker(std::function<void()> f)
{
    QMetaObject::invokeMethod(m_context, std::move(f), Qt::QueuedConnection);
}

void StreamWorker::start()
{
    if (m_state != State::Idle)
        return;
    m_state = State::Starting;
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("roomrec-stream"));
    m_context = new QObject;
    m_context->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, this, &StreamWorker::onThreadFinished, Qt::QueuedConnection);
    m_thread->start();
    inWorker([this, videoMuted = m_videoMuted, audioMuted = m_audioMuted] {
        auto created = m_factory();
        if (!created) {
            const Error e = created.error();
            QMetaObject::invokeMethod(this, [this, e] {
                emit errorOccurred(e.code, e.message);
                stop();
            }, Qt::QueuedConnection);
            return;
        }
        m_pipeline = created.value().release();
        // Signals cross to this object's (GUI) thread queued; they stop with the pipeline.
        connect(m_pipeline, &PublishPipeline::packetReady, this, &StreamWorker::packetReady);
        connect(m_pipeline, &PublishPipeline::previewReady, this, &StreamWorker::previewReady);
        connect(m_pipeline, &PublishPipeline::statsUpdated, this, &StreamWorker::statsUpdated);
        connect(m_pipeline, &PublishPipeline::errorOccurred, this, &StreamWorker::errorOccurred);
        m_pipeline->setPreviewEnabled(true);
        // Before start(): a camera that is off is never opened. (Later changes are queued
        // behind this call.)
        m_pipeline->setVideoMuted(videoMuted);
        m_pipeline->setAudioMuted(audioMuted);
        m_pipeline->start();
        const QString description = m_pipeline->videoDescription();
        const bool test = m_pipeline->isTestSource();
        QMetaObject::invokeMethod(this, [this, description, test] {
            if (m_state != State::Starting)
                return;
            m_state = State::Running;
            m_description = description;
            m_testSource = test;
            emit started(description, test);
            if (m_wantEncoding)
                setEncoding(true);
        }, Qt::QueuedConnection);
    });
}

void StreamWorker::setEncoding(bool on)
{
    m_wantEncoding = on;
    if (m_state != State::Running)
        return; // applied once running
    inWorker([this, on] {
        if (!m_pipeline)
            return;
        const Status s = m_pipeline->setEncoding(on);
        const bool encoding = m_pipeline->isEncoding();
        const VideoParams video = m_pipeline->videoParams();
        const std::optional<AudioParams> audio = m_pipeline->audioParams();
        const QString encoder = m_pipeline->encoderName();
        QMetaObject::invokeMethod(this, [this, s, encoding, video, audio, encoder] {
            if (m_state != State::Running)
                return;
            if (!s) {
                emit errorOccurred(s.error().code, s.error().message);
                return;
            }
            const bool was = m_encoding;
            m_encoding = encoding;
            m_encoderName = encoder;
            if (encoding && !was)
                emit encodingStarted(video, audio);
            else if (!encoding && was)
                emit encodingStopped();
        }, Qt::QueuedConnection);
    });
}

void StreamWorker::requestKeyFrame()
{
    if (m_state != State::Running)
        return;
    inWorker([this] {
        if (m_pipeline)
            m_pipeline->requestKeyFrame();
    });
}

void StreamWorker::setMuted(bool video, bool audio)
{
    if (m_videoMuted == video && m_audioMuted == audio)
        return;
    m_videoMuted = video;
    m_audioMuted = audio;
    if (m_state != State::Starting && m_state != State::Running)
        return; // start() applies them
    inWorker([this, video, audio] {
        if (!m_pipeline)
            return;
        m_pipeline->setVideoMuted(video);
        m_pipeline->setAudioMuted(audio);
    });
}

void StreamWorker::stop()
{
    if (m_state == State::Idle) {
        m_state = State::Stopped;
        emit stopped();
        return;
    }
    if (m_state == State::Stopping || m_state == State::Stopped)
        return;
    m_state = State::Stopping;
    inWorker([this] {
        if (m_pipeline) {
            m_pipeline->stop(); // flushes: the last packets are queued to us before finished()
            delete m_pipeline;
            m_pipeline = nullptr;
        }
        m_context->deleteLater(); // the thread's finish deletes it, after this call returns
        QThread::currentThread()->quit();
    });
}

void StreamWorker::onThreadFinished()
{
    // finished() is emitted just before the thread really ends; deleting the QThread before
    // that would wait for it. Come back in a moment instead of waiting.
    if (!m_thread->isFinished()) {
        QTimer::singleShot(1, this, &StreamWorker::onThreadFinished);
        return;
    }
    delete m_thread;
    m_thread = nullptr;
    m_context = nullptr;
    const bool wasEncoding = m_encoding;
    m_encoding = false;
    m_state = State::Stopped;
    if (wasEncoding)
        emit encodingStopped();
    emit stopped();
}

} // namespace roomrec
