#include "watchcommand.h"

#include "clioptions.h"

#include "protocol/errorcode.h"
#include "protocol/trackname.h"
#include "recording/hybridmp4finisher.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QTimer>
#include <cstdio>

using namespace roomrec;

namespace {
qint64 wallNowUs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1000;
}
} // namespace

void WatchCommand::fail(int code, const QString &message)
{
    if (m_done)
        return;
    printError(code, message);
    m_exitCode = m_reconnect ? m_reconnect->exitCodeFor(code) : 1;
    m_done = true;
    if (m_writer)
        m_writer->abandon();
    m_client.disconnectFromServer();
    QCoreApplication::exit(1);
}

void WatchCommand::finish()
{
    if (m_done)
        return;
    m_done = true;
    QJsonObject out = m_stats ? m_stats->toJson() : QJsonObject{};
    out.insert(QStringLiteral("member"), m_member);
    out.insert(QStringLiteral("track"), trackName(m_track));
    out.insert(QStringLiteral("reconnects"), m_reconnects);
    out.insert(QStringLiteral("framesMissedInReconnects"), m_framesMissed);
    if (m_writer && m_writer->isOpen()) {
        if (Status s = m_writer->finish(); !s) {
            printError(s.error().code, s.error().message);
            m_exitCode = 1;
        } else if (auto finished = HybridMp4Finisher::finish(m_outPath); !finished) {
            printError(finished.error().code, finished.error().message); // still a playable fragmented MP4
        }
        out.insert(QStringLiteral("out"), m_outPath);
        out.insert(QStringLiteral("framesWritten"), m_writer->videoFrames());
    }
    printJson(out);
    if (!m_stats || m_stats->videoFrames() == 0) {
        printError(int(ErrorCode::StreamNotPublished), QStringLiteral("no video received from %1").arg(m_member));
        m_exitCode = 1;
    }
    m_client.disconnectFromServer();
    QCoreApplication::exit(m_exitCode);
}

void WatchCommand::subscribed(const QList<RemoteTrack> &tracks)
{
    for (const RemoteTrack &t : tracks)
        onTrack(t);
}

void WatchCommand::onTrack(const RemoteTrack &track)
{
    if (track.userId != m_member)
        return;
    if (track.track == Track::CameraAudio && m_track == Track::CameraVideo && !m_audio)
        m_audio = track;
    else if (track.track == m_track && !m_video)
        m_video = track; // a later re-publish with new parameters cannot change an open file: kept
    startWatching();
}

void WatchCommand::startWatching()
{
    if (m_watching || !m_video)
        return;
    m_watching = true;
    const VideoParams &v = *m_video->video;
    m_frameUs = qint64(1'000'000) * qMax(1, v.frameRateDen) / qMax(1, v.frameRateNum);
    m_stats = std::make_unique<WatchStats>(m_frameUs);
    if (!m_outPath.isEmpty()) {
        m_writer = std::make_unique<FragmentedMp4Writer>();
        std::optional<AudioParams> audio;
        if (m_audio)
            audio = m_audio->audio;
        if (Status s = m_writer->open(m_outPath, v, audio); !s)
            return fail(s.error().code, s.error().message);
    }
    std::fprintf(stderr, "watching %s's %s (%dx%d)%s for %.1f s\n", qPrintable(m_member), qPrintable(trackName(m_track)),
                 v.width, v.height, m_audio ? " with audio" : "", m_seconds);
    QTimer::singleShot(qint64(m_seconds * 1000), this, &WatchCommand::finish);
}

void WatchCommand::onPacket(const QString &userId, const MediaPacket &packet)
{
    if (userId != m_member || !m_watching || m_done)
        return;
    if (packet.isVideo() && packet.track != m_track)
        return;
    if (!continuesTimeline(packet))
        return;
    if (packet.isVideo()) {
        if (m_baseDtsUs < 0) {
            if (!packet.key)
                return; // nothing decodable before the first key frame
            m_baseDtsUs = packet.dtsUs;
            m_stats->setFirstPictureMs(m_sinceSubscribed.elapsed());
        }
        const qint64 captureWallUs = m_video->clockEpochUs ? *m_video->clockEpochUs + packet.ptsUs : -1;
        const bool live = captureWallUs < 0 || captureWallUs >= m_subscribedWallUs;
        m_stats->addVideo(packet, wallNowUs(), captureWallUs, live);
    } else {
        if (!m_audio || m_baseDtsUs < 0 || packet.dtsUs < m_baseDtsUs)
            return;
        m_stats->addAudio();
    }
    (packet.isVideo() ? m_lastVideoDtsUs : m_lastAudioDtsUs) = packet.dtsUs;
    if (m_writer) {
        if (Status s = m_writer->write(packet, packet.ptsUs - m_baseDtsUs, packet.dtsUs - m_baseDtsUs); !s)
            return fail(s.error().code, s.error().message);
    }
    if (m_frames > 0 && packet.isVideo() && m_stats->videoFrames() >= m_frames)
        finish();
}

bool WatchCommand::continuesTimeline(const MediaPacket &packet)
{
    if (!packet.isVideo())
        return packet.dtsUs > m_lastAudioDtsUs;
    if (packet.dtsUs <= m_lastVideoDtsUs)
        return false; // written already
    if (!m_resyncing || m_lastVideoDtsUs < 0)
        return true;
    // The first picture after a reconnect: the next frame (the server's picture group
    // covered the outage), else a key frame after a gap.
    const qint64 stepUs = packet.dtsUs - m_lastVideoDtsUs;
    const bool next = stepUs * 2 < m_frameUs * 3;
    if (!next && !packet.key)
        return false;
    m_resyncing = false;
    const qint64 missed = next ? 0 : qMax<qint64>(0, (stepUs + m_frameUs / 2) / m_frameUs - 1);
    m_framesMissed += missed;
    if (missed)
        std::fprintf(stderr, "gap after the reconnect: %lld video frames missed (%.2f s)\n", static_cast<long long>(missed),
                     double(stepUs - m_frameUs) / 1e6);
    else
        std::fprintf(stderr, "no gap after the reconnect: the video goes on with the next frame\n");
    return true;
}

RoomClient::ErrorCallback WatchCommand::failUnlessAway()
{
    return [this](int code, const QString &message) {
        if (!m_reconnect->isAway())
            fail(code, message); // else cut off by the lost connection: subscribed again once back
    };
}

void WatchCommand::subscribeVideo()
{
    m_subscribedWallUs = wallNowUs();
    m_sinceSubscribed.start();
    m_client.subscribe(m_member, m_track, [this](const QList<RemoteTrack> &t) { subscribed(t); }, failUnlessAway());
}

void WatchCommand::subscribe()
{
    // Audio first: its parameters must be known when the file opens, which is when the video's arrive.
    if (m_track != Track::CameraVideo)
        return subscribeVideo();
    m_client.subscribe(m_member, Track::CameraAudio, [this](const QList<RemoteTrack> &t) {
        subscribed(t);
        subscribeVideo();
    }, failUnlessAway());
}

void WatchCommand::onReconnected(qint64 awayMs)
{
    // The server forgot our subscriptions with the old connection.
    ++m_reconnects;
    m_resyncing = true;
    if (m_stats)
        m_stats->newSubscription();
    std::fprintf(stderr, "subscribing to %s again after %.1f s away\n", qPrintable(m_member), double(awayMs) / 1000.0);
    if (m_client.room())
        subscribe();
    else
        joinAndSubscribe(); // the connection went while we were joining
}

void WatchCommand::joinAndSubscribe()
{
    m_client.joinRoom(m_room, [this](const QStringList &) { subscribe(); }, failUnlessAway());
}

int WatchCommand::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Watch a member of a room: subscribe, write what arrives to an MP4 "
                                                    "(stream copy) and print frames, gaps, drops and latency as JSON."));
    parser.addHelpOption();
    CliOptions common(parser);
    const QCommandLineOption relation(QStringLiteral("relation-id"), QStringLiteral("Group (relation) ID."), QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption room(QStringLiteral("room-id"), QStringLiteral("Room ID."), QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption member(QStringLiteral("member"), QStringLiteral("User ID of the member to watch."), QStringLiteral("USER"));
    const QCommandLineOption track(QStringLiteral("track"), QStringLiteral("camera (default, with its audio) or sub-stream."), QStringLiteral("TRACK"), QStringLiteral("camera"));
    const QCommandLineOption seconds(QStringLiteral("seconds"), QStringLiteral("How long to watch (default 5)."), QStringLiteral("S"), QStringLiteral("5"));
    const QCommandLineOption frames(QStringLiteral("frames"), QStringLiteral("Stop earlier, after N video frames."), QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("MP4 file to write (optional)."), QStringLiteral("FILE.mp4"));
    parser.addOptions({relation, room, member, track, seconds, frames, out});
    ReconnectOption reconnect(parser);
    parser.process(arguments);

    auto server = common.server();
    if (!server)
        return printError(2, server.error().message);
    bool ok1 = false, ok2 = false, ok3 = false, ok4 = false;
    const RoomInfo roomInfo{parser.value(relation).toUInt(&ok1), parser.value(room).toUInt(&ok2)};
    WatchCommand command;
    command.m_seconds = parser.value(seconds).toDouble(&ok3);
    command.m_member = parser.value(member);
    command.m_frames = parser.value(frames).toLongLong(&ok4);
    const auto chosen = trackFromName(parser.value(track));
    if (!ok1 || !ok2 || !ok3 || !ok4 || command.m_frames < 0 || command.m_seconds <= 0 || command.m_member.isEmpty() || !chosen || *chosen == Track::CameraAudio)
        return printError(2, QStringLiteral("bad option value; see --help (--member is required)"));
    command.m_track = *chosen;
    command.m_outPath = parser.value(out);

    RoomClient &client = command.m_client;
    if (!common.applyTls(client))
        return 2;
    if (!reconnect.apply(client))
        return 1; // a bad option value, as the others
    command.m_reconnect = &reconnect;
    command.m_room = roomInfo;
    QObject::connect(&reconnect, &ReconnectOption::reconnected, &command,
                     [&command](bool, qint64 awayMs) { command.onReconnected(awayMs); });
    auto onError = [&command](int code, const QString &message) { command.fail(code, message); };
    QObject::connect(&client, &RoomClient::errorOccurred, &command, onError);
    QObject::connect(&client, &RoomClient::memberPacketReceived, &command, &WatchCommand::onPacket);
    QObject::connect(&client, &RoomClient::remoteTrackPublished, &command, &WatchCommand::onTrack);
    QObject::connect(&client, &RoomClient::mediaDropped, &command, [&command](const QString &userId, Track t, qint64 dropped) {
        std::fprintf(stderr, "the server dropped %lld packets of %s's %s (we read too slowly)\n",
                     static_cast<long long>(dropped), qPrintable(userId), qPrintable(trackName(t)));
        if (command.m_stats)
            command.m_stats->setDropped(t, dropped);
    });
    client.connectToServer(server->host, server->port, common.user(), common.signature(),
                           [&command] { command.joinAndSubscribe(); }, onError);
    QCoreApplication::exec();
    return command.m_exitCode;
}
