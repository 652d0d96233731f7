#include "client/remotemediaworker.h"

#include "media/audioplayout.h"

#include <QThread>
#include <QTimer>

namespace roomrec {

namespace {
constexpr int kPumpMs = 10;          // audio playout steps and picture release granularity
constexpr int kLevelEveryPumps = 10; // audio levels every ~100 ms: enough for an indicator
} // namespace

RemoteMediaWorker::RemoteMediaWorker(RemoteMediaOptions options, std::shared_ptr<RemoteMediaShared> shared)
    : m_options(std::move(options)), m_shared(std::move(shared)), m_clock(m_options.clock),
      m_decoder(std::make_unique<MemberDecoder>(m_mixer, m_options.pictureMaxWidth))
{
    if (!m_clock.isValid())
        m_clock.start();
}

RemoteMediaWorker::~RemoteMediaWorker() = default;

void RemoteMediaWorker::start()
{
    m_playout = new AudioPlayout(m_mixer, m_options.audioDevice, m_options.forceTestSink, this);
    m_playout->setEchoReference(m_options.echoReference);
    connect(m_playout, &AudioPlayout::errorOccurred, this, &RemoteMediaWorker::errorOccurred);
    m_playout->start();
    m_pump = new QTimer(this);
    m_pump->setTimerType(Qt::PreciseTimer);
    connect(m_pump, &QTimer::timeout, this, &RemoteMediaWorker::pump);
    m_pump->start(kPumpMs);
}

void RemoteMediaWorker::finish()
{
    // The playout and the pump first: no tick may find the decoder gone.
    delete m_pump;
    m_pump = nullptr;
    delete m_playout;
    m_playout = nullptr;
    m_decoder.reset();
    m_scheduler = PictureScheduler();
    QThread::currentThread()->quit(); // then finished() deletes this and the thread
}

qint64 RemoteMediaWorker::sinkLatencyUs() const
{
    return m_playout ? m_playout->bufferedUs() : 0;
}

void RemoteMediaWorker::addTracks(const QList<RemoteTrack> &tracks)
{
    if (!m_decoder)
        return;
    for (const RemoteTrack &t : tracks) {
        if (Status s = m_decoder->addTrack(t); !s)
            reportError(s.error());
    }
}

void RemoteMediaWorker::removeMember(const QString &userId)
{
    if (!m_decoder)
        return;
    m_decoder->removeMember(userId);
    m_scheduler.removeMember(userId);
}

void RemoteMediaWorker::receive(const QString &userId, const MediaPacket &packet)
{
    if (!m_decoder || m_shared->stopping)
        return; // the owner is gone: what is still queued is not worth decoding
    auto pictures = m_decoder->decode(userId, packet, nowUs());
    if (!pictures)
        return reportError(pictures.error());
    m_shared->pictures = m_decoder->picturesDecoded();
    if (pictures->empty())
        return;
    m_scheduler.setAudioClock(userId, m_decoder->audioClockOffsetUs(userId, sinkLatencyUs()));
    const qint64 decodedAtUs = nowUs();
    for (MemberPicture &p : pictures.value()) {
        p.decodedAtUs = decodedAtUs;
        show(m_scheduler.push(std::move(p), decodedAtUs));
    }
    m_shared->picturesDropped = m_scheduler.overflowDrops();
    m_shared->latePictures = m_scheduler.latePictures();
}

void RemoteMediaWorker::pump()
{
    const qint64 sinkUs = sinkLatencyUs();
    auto heard = m_decoder->pumpAudio(nowUs(), sinkUs);
    if (!heard)
        reportError(heard.error());
    else
        for (const MemberAudio &a : heard.value())
            emit presented(a.userId, Track::CameraAudio, a.ptsUs, a.decodedAtUs, a.heardAtUs);
    updateAudioClocks();
    show(m_scheduler.due(nowUs()));
    m_shared->audioFrames = m_decoder->audioFramesDecoded();
    m_shared->audioPlayed = m_playout->framesPlayed();
    if (++m_pumps % kLevelEveryPumps == 0)
        reportAudioLevels();
}

void RemoteMediaWorker::updateAudioClocks()
{
    const qint64 sinkUs = sinkLatencyUs();
    for (const QString &userId : m_decoder->audioMembers())
        m_scheduler.setAudioClock(userId, m_decoder->audioClockOffsetUs(userId, sinkUs));
}

void RemoteMediaWorker::show(std::vector<MemberPicture> pictures)
{
    for (MemberPicture &p : pictures) {
        emit pictureDecoded(p.userId, p.track, p.ptsUs, p.image);
        emit presented(p.userId, p.track, p.ptsUs, p.decodedAtUs, nowUs());
    }
}

void RemoteMediaWorker::reportError(const Error &error)
{
    emit errorOccurred(error.code, error.message);
}

void RemoteMediaWorker::reportAudioLevels()
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

} // namespace roomrec
