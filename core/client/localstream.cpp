#include "client/localstream.h"

#include "protocol/errorcode.h"

#include <QPointer>

namespace roomrec {

LocalStream::LocalStream(RoomClient &client, const MediaClock &clock, Track track, QObject *parent)
    : QObject(parent), m_client(client), m_clock(clock), m_track(track)
{
    m_client.setCaptureClockEpoch(m_clock.wallClockEpochUs()); // subscribers measure latency with it
    // Publishing follows the room: the server forgets our streams when we leave it or the
    // connection goes, and encoding stops with them.
    connect(&m_client, &RoomClient::stateChanged, this, [this](ClientState state) {
        // Reconnecting keeps the stream published and encoding: its packets wait in the
        // client's backlog and are sent once the connection is back.
        if (state == ClientState::Reconnecting)
            return;
        if (state != ClientState::InRoom)
            setPublished(false);
        if (state == ClientState::Disconnected || state == ClientState::SignedIn)
            failPending(int(ErrorCode::NotInRoom), errorMessage(int(ErrorCode::NotInRoom)));
        update();
    });
}

LocalStream::~LocalStream()
{
    // A worker still running here is joined by its destructor (the window is going away).
    m_pending.clear();
}

void LocalStream::setOptions(const PublishedStream::Options &options)
{
    m_options = options;
    if (m_worker) {
        m_restart = true;
        update();
    }
}

void LocalStream::setCaptureWanted(bool on)
{
    if (m_captureWanted == on)
        return;
    m_captureWanted = on;
    emit captureWantedChanged(on);
    update();
}

void LocalStream::setPublishWanted(bool on)
{
    if (m_publishWanted == on)
        return;
    m_publishWanted = on;
    if (!on)
        failPending(int(ErrorCode::StreamNotPublished), errorMessage(int(ErrorCode::StreamNotPublished)));
    emit publishWantedChanged(on);
    update();
}

void LocalStream::ensurePublished(RoomClient::DoneCallback onDone, RoomClient::ErrorCallback onError)
{
    if (m_published) {
        if (onDone)
            onDone();
        return;
    }
    if (m_client.state() != ClientState::InRoom) {
        if (onError)
            onError(int(ErrorCode::NotInRoom), errorMessage(int(ErrorCode::NotInRoom)));
        return;
    }
    m_pending << qMakePair(std::move(onDone), std::move(onError));
    setPublishWanted(true);
    update();
}

void LocalStream::stopAll()
{
    failPending(int(ErrorCode::StreamNotPublished), errorMessage(int(ErrorCode::StreamNotPublished)));
    setPublishWanted(false);
    setCaptureWanted(false);
    update();
}

void LocalStream::setSourcesMuted(bool video, bool audio)
{
    m_videoMuted = video;
    m_audioMuted = audio;
    if (m_worker)
        m_worker->setMuted(video, audio);
}

bool LocalStream::encodingWanted() const
{
    return m_publishWanted
           && (m_client.state() == ClientState::InRoom || (m_client.state() == ClientState::Reconnecting && m_published));
}

void LocalStream::update()
{
    if (m_worker && (m_worker->state() == StreamWorker::State::Stopping || m_worker->state() == StreamWorker::State::Stopped))
        return; // onWorkerStopped() comes back here
    const bool capture = m_captureWanted || m_publishWanted;
    if (!capture || m_restart) {
        if (m_worker)
            stopWorker();
        else
            m_restart = false;
        if (!capture)
            return;
    }
    if (!m_worker) {
        startWorker();
        return; // encoding is asked for once it runs (started())
    }
    const bool encode = encodingWanted();
    if (!encode && m_published) {
        m_client.unpublish(m_track, {}, {});
        setPublished(false);
    }
    m_worker->setEncoding(encode);
    if (encode && m_worker->isEncoding() && !m_published && !m_publishing) {
        m_publishing = true;
        QPointer<LocalStream> self(this);
        QPointer<StreamWorker> worker(m_worker.get());
        m_client.publish(m_worker.get(), m_video, m_audio,
                         [self, worker] {
                             if (!self)
                                 return;
                             self->m_publishing = false;
                             if (!worker || worker != self->m_worker.get()) {
                                 self->update();
                                 return;
                             }
                             if (!self->encodingWanted()) {
                                 // Turned off while the request was on its way.
                                 if (self->m_client.state() == ClientState::InRoom)
                                     self->m_client.unpublish(self->m_track, {}, {});
                                 self->update();
                                 return;
                             }
                             self->setPublished(true);
                             const auto pending = std::exchange(self->m_pending, {});
                             for (const auto &p : pending) {
                                 if (p.first)
                                     p.first();
                             }
                         },
                         [self](int code, const QString &message) {
                             if (!self)
                                 return;
                             self->m_publishing = false;
                             self->failPending(code, message);
                             emit self->errorOccurred(code, message);
                         });
    }
}

void LocalStream::startWorker()
{
    const Track track = m_track;
    PublishedStream::Options options = m_options;
    if (m_echoReference)
        options.echoReference = m_echoReference;
    const MediaClock &clock = m_clock;
    m_worker = std::make_unique<StreamWorker>(track, [&clock, track, options] {
        return PublishedStream::create(clock, track, options);
    });
    StreamWorker *w = m_worker.get();
    connect(w, &StreamWorker::started, this, [this](const QString &description, bool test) {
        emit captureStarted(description, test);
        update();
    });
    connect(w, &StreamWorker::previewReady, this, &LocalStream::previewReady);
    connect(w, &StreamWorker::statsUpdated, this, &LocalStream::statsUpdated);
    connect(w, &StreamWorker::errorOccurred, this, [this](int code, const QString &message) {
        if (!m_published)
            failPending(code, message);
        emit errorOccurred(code, message);
    });
    connect(w, &StreamWorker::encodingStarted, this,
            [this](const VideoParams &video, const std::optional<AudioParams> &audio) {
                m_video = video;
                m_audio = audio;
                emit encodingChanged(true);
                update();
            });
    connect(w, &StreamWorker::encodingStopped, this, [this] {
        setPublished(false);
        emit encodingChanged(false);
    });
    connect(w, &StreamWorker::stopped, this, &LocalStream::onWorkerStopped);
    w->setMuted(m_videoMuted, m_audioMuted);
    w->start();
}

void LocalStream::stopWorker()
{
    if (m_published) {
        if (m_client.state() == ClientState::InRoom)
            m_client.unpublish(m_track, {}, {});
        setPublished(false);
    }
    m_worker->stop();
}

void LocalStream::onWorkerStopped()
{
    // Called from the worker's own signal: it goes once that returns.
    StreamWorker *finished = m_worker.release();
    finished->disconnect(this);
    finished->deleteLater();
    if (m_restart) {
        m_restart = false;
    } else if (m_captureWanted || m_publishWanted) {
        // Ended by itself (its source failed): do not start it again in a loop.
        failPending(int(ErrorCode::SourceUnavailable), errorMessage(int(ErrorCode::SourceUnavailable)));
        m_captureWanted = false;
        m_publishWanted = false;
        emit captureWantedChanged(false);
        emit publishWantedChanged(false);
    }
    emit stopped();
    update();
}

void LocalStream::setPublished(bool on)
{
    if (!on)
        m_publishing = false;
    if (m_published == on)
        return;
    m_published = on;
    emit publishedChanged(on);
}

void LocalStream::failPending(int code, const QString &message)
{
    const auto pending = std::exchange(m_pending, {});
    for (const auto &p : pending) {
        if (p.second)
            p.second(code, message);
    }
}

} // namespace roomrec
