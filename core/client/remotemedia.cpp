#include "client/remotemedia.h"

#include "common/drainingthread.h"
#include "client/remotemediaworker.h"
#include "client/roomclient.h"

namespace roomrec {

RemoteMedia::RemoteMedia(Options options, QObject *parent)
    : QObject(parent), m_shared(std::make_shared<RemoteMediaShared>())
{
    qRegisterMetaType<roomrec::Track>();
    m_thread = new DrainingThread(QStringLiteral("roomrec-decode"));
    m_worker = new RemoteMediaWorker(std::move(options), m_shared);
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    // Queued (other thread), and gone with this object: nothing reaches it after it is deleted.
    connect(m_worker, &RemoteMediaWorker::pictureDecoded, this, &RemoteMedia::pictureDecoded);
    connect(m_worker, &RemoteMediaWorker::presented, this, &RemoteMedia::presented);
    connect(m_worker, &RemoteMediaWorker::audioLevelChanged, this, &RemoteMedia::audioLevelChanged);
    connect(m_worker, &RemoteMediaWorker::errorOccurred, this, &RemoteMedia::errorOccurred);
    m_thread->start();
    inWorker([](RemoteMediaWorker *w) { w->start(); });
}

RemoteMedia::RemoteMedia(RoomClient &client, Options options, QObject *parent) : RemoteMedia(std::move(options), parent)
{
    connect(&client, &RoomClient::memberPacketReceived, this, &RemoteMedia::receive);
    connect(&client, &RoomClient::remoteTrackPublished, this, [this](const RemoteTrack &track) { addTracks({track}); });
}

RemoteMedia::~RemoteMedia()
{
    // No wait: the worker skips the packets still queued, then finish() ends its thread,
    // which deletes the worker and itself. The worker outlives every job queued here, as
    // finish() is the last one.
    m_shared->stopping = true;
    inWorker([](RemoteMediaWorker *w) { w->finish(); });
    m_thread->release();
}

template <typename F>
void RemoteMedia::inWorker(F &&f)
{
    // The job sees only the worker (never this object, which may be gone when it runs).
    RemoteMediaWorker *worker = m_worker;
    QMetaObject::invokeMethod(worker, [worker, f = std::forward<F>(f)]() mutable { f(worker); }, Qt::QueuedConnection);
}

void RemoteMedia::addTracks(const QList<RemoteTrack> &tracks)
{
    inWorker([tracks](RemoteMediaWorker *w) { w->addTracks(tracks); });
}

void RemoteMedia::removeMember(const QString &userId)
{
    inWorker([userId](RemoteMediaWorker *w) { w->removeMember(userId); });
}

void RemoteMedia::receive(const QString &userId, const MediaPacket &packet)
{
    inWorker([userId, packet](RemoteMediaWorker *w) { w->receive(userId, packet); });
}

qint64 RemoteMedia::picturesDecoded() const { return m_shared->pictures.load(); }
qint64 RemoteMedia::picturesDropped() const { return m_shared->picturesDropped.load(); }
qint64 RemoteMedia::latePictures() const { return m_shared->latePictures.load(); }
qint64 RemoteMedia::audioFramesDecoded() const { return m_shared->audioFrames.load(); }
qint64 RemoteMedia::audioFramesPlayed() const { return m_shared->audioPlayed.load(); }

} // namespace roomrec
