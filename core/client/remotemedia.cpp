#include "client/remotemedia.h"

#include "client/roomclient.h"
#include "media/audioplayout.h"

#include <QThread>
#include <QTimer>

namespace roomrec {

namespace {
constexpr int kAudioPumpMs = 10;
constexpr int kLevelEveryPumps = 10; // audio levels every ~100 ms: enough for an indicator
}

RemoteMedia::RemoteMedia(RoomClient &client, Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options))
{
    qRegisterMetaType<roomrec::Track>();
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("roomrec-decode"));
    m_context = new QObject;
    m_context->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_clock.start();
    m_thread->start();
    inWorker([this] {
        m_decoder = new MemberDecoder(m_mixer, m_options.pictureMaxWidth);
        m_playout = new AudioPlayout(m_mixer, m_options.audioDevice, m_options.forceTestSink, m_context);
        m_playout->setEchoReference(m_options.echoReference);
        connect(m_playout, &AudioPlayout::errorOccurred, this, &RemoteMedia::errorOccurred);
        m_playout->start();
        auto *pump = new QTimer(m_context);
        connect(pump, &QTimer::timeout, m_context, [this, pumps = 0]() mutable {
            if (Status s = m_decoder->pumpAudio(m_clock.nsecsElapsed() / 1000); !s)
                reportError(s.error());
            m_audioFrames = m_decoder->audioFramesDecoded();
            m_audioPlayed = m_playout->framesPlayed();
            if (++pumps % kLevelEveryPumps == 0)
                reportAudioLevels();
        });
        pump->start(kAudioPumpMs);
    });
    connect(&client, &RoomClient::memberPacketReceived, this, [this](const QString &userId, const MediaPacket &packet) {
        inWorker([this, userId, packet] {
            auto pictures = m_decoder->decode(userId, packet, m_clock.nsecsElapsed() / 1000);
            if (!pictures)
                return reportError(pictures.error());
            m_pictures = m_decoder->picturesDecoded();
            for (MemberPicture &p : pictures.value())
                emit pictureDecoded(p.userId, p.track, p.ptsUs, p.image);
        });
    });
    connect(&client, &RoomClient::remoteTrackPublished, this, [this](const RemoteTrack &track) { addTracks({track}); });
}

RemoteMedia::~RemoteMedia()
{
    // The one place that waits for the decode thread: this object is going away.
    inWorker([this] {
        // The playout and the audio pump first (children of the context): a pump tick must not
        // find the decoder gone.
        qDeleteAll(m_context->children());
        m_playout = nullptr;
        delete m_decoder;
        m_decoder = nullptr;
        QThread::currentThread()->quit();
    });
    m_thread->wait();
    delete m_thread;
}

void RemoteMedia::inWorker(std::function<void()> f)
{
    QMetaObject::invokeMethod(m_context, std::move(f), Qt::QueuedConnection);
}

void RemoteMedia::reportError(const Error &error)
{
    emit errorOccurred(error.code, error.message);
}

void RemoteMedia::reportAudioLevels()
{
    const std::map<QString, float> peaks = m_decoder->takeAudioPeaks();
    for (const auto &[userId, level] : peaks) {
        const auto last = m_levels.find(userId);
        if (last != m_levels.end() && last->second == level)
            continue;
        m_levels[userId] = level;
        emit audioLevelChanged(userId, level);
    }
    std::erase_if(m_levels, [&peaks](const auto &entry) { return !peaks.count(entry.first); });
}

void RemoteMedia::addTracks(const QList<RemoteTrack> &tracks)
{
    inWorker([this, tracks] {
        for (const RemoteTrack &t : tracks) {
            if (Status s = m_decoder->addTrack(t); !s)
                reportError(s.error());
        }
    });
}

void RemoteMedia::removeMember(const QString &userId)
{
    inWorker([this, userId] { m_decoder->removeMember(userId); });
}

} // namespace roomrec
