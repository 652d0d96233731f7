#include "client/membersubscriptions.h"

#include "client/roomclient.h"
#include "protocol/errorcode.h"
#include "protocol/trackname.h"

namespace roomrec {

MemberSubscriptions::MemberSubscriptions(RoomClient &client, MemberListModel &members, QObject *parent)
    : QObject(parent), m_client(client), m_members(members)
{
}

MemberSubscriptions::~MemberSubscriptions() = default;

RemoteMedia &MemberSubscriptions::startedMedia()
{
    // Started on the first subscription: a window alone in its room runs no decode thread.
    if (!m_media) {
        RemoteMedia::Options options = m_options;
        if (m_echoReference)
            options.echoReference = m_echoReference;
        m_media = std::make_unique<RemoteMedia>(m_client, options);
        connect(m_media.get(), &RemoteMedia::pictureDecoded, this,
                [this](const QString &userId, Track track, qint64, const QImage &image) { showPicture(userId, track, image); });
        connect(m_media.get(), &RemoteMedia::audioLevelChanged, this, [this](const QString &userId, float level) {
            if (m_subscriptions.contains(userId))
                m_members.setAudioLevel(userId, level);
        });
        connect(m_media.get(), &RemoteMedia::errorOccurred, this, &MemberSubscriptions::errorOccurred);
    }
    return *m_media;
}

void MemberSubscriptions::sync()
{
    if (m_client.state() != ClientState::InRoom)
        return;
    const QString self = m_client.userId();
    const QStringList present = m_client.members();
    for (const QString &userId : m_subscriptions.keys()) {
        if (!present.contains(userId))
            forget(userId, true);
    }
    const QHash<QString, QStringList> tracks = m_client.memberTracks();
    const QHash<QString, QStringList> muted = m_client.memberMuted();
    for (const QString &userId : present) {
        if (userId == self)
            continue;
        updateFlags(userId, tracks.value(userId), muted.value(userId));
        if (!m_subscriptions.contains(userId))
            subscribe(userId);
    }
}

void MemberSubscriptions::reset()
{
    for (const QString &userId : m_subscriptions.keys())
        forget(userId, false);
}

void MemberSubscriptions::subscribe(const QString &userId)
{
    const quint64 number = m_nextSubscription++;
    m_subscriptions.insert(userId, number);
    m_pictures.insert(userId, 0);
    RemoteMedia &decoder = startedMedia();
    // All of the member's tracks, published or not yet: later ones come as trackPublished.
    m_client.subscribe(userId, std::nullopt, [this, userId, number, &decoder](const QList<RemoteTrack> &tracks) {
        // The decoder learns the parameters here, before the packets that follow this answer
        // on the connection reach it.
        if (m_subscriptions.value(userId) == number)
            decoder.addTracks(tracks);
    }, [this, userId, number](int code, const QString &message) {
        if (m_subscriptions.value(userId) != number)
            return;
        m_subscriptions.remove(userId);
        // Gone before the answer (the next members event says so), or the connection went.
        if (code != int(ErrorCode::MemberNotInRoom) && code != int(ErrorCode::NotConnected)
            && code != int(ErrorCode::NotInRoom))
            emit errorOccurred(code, message);
    });
}

void MemberSubscriptions::forget(const QString &userId, bool tellServer)
{
    m_subscriptions.remove(userId);
    m_pictures.remove(userId);
    if (m_media)
        m_media->removeMember(userId);
    m_members.setLatestFrame(userId, QImage());
    m_members.setAudioLevel(userId, 0.f);
    if (tellServer && m_client.state() == ClientState::InRoom)
        m_client.unsubscribe(userId, std::nullopt, {}, {}); // the server's side of it; nothing to do after
}

void MemberSubscriptions::updateFlags(const QString &userId, const QStringList &tracks, const QStringList &muted)
{
    const bool camera = tracks.contains(trackName(Track::CameraVideo));
    const bool screen = tracks.contains(trackName(Track::SubStreamVideo));
    const bool audio = tracks.contains(trackName(Track::CameraAudio));
    const bool cameraOff = muted.contains(trackName(Track::CameraVideo));
    const bool micOff = muted.contains(trackName(Track::CameraAudio));
    m_members.setPublishing(userId, Track::CameraVideo, camera);
    m_members.setPublishing(userId, Track::SubStreamVideo, screen);
    m_members.setPublishing(userId, Track::CameraAudio, audio);
    // The member's own mic button (setMuted), or a camera sent without its microphone at all.
    m_members.setMicMuted(userId, micOff || (camera && !audio));
    m_members.setCameraOff(userId, cameraOff);
    if (!screen && (!camera || cameraOff))
        m_members.setLatestFrame(userId, QImage()); // no video: the tile shows the avatar
    if (!audio || micOff)
        m_members.setAudioLevel(userId, 0.f);
}

void MemberSubscriptions::showPicture(const QString &userId, Track track, const QImage &image)
{
    if (!m_subscriptions.contains(userId))
        return; // decoded before the member left
    const std::optional<MemberState> member = m_members.member(userId);
    // The screen share wins over the camera while there is one.
    if (!member || (track == Track::CameraVideo && (member->publishesSubStream || member->cameraOff)))
        return; // (a camera turned off shows the avatar, even for a picture still on its way)
    ++m_pictures[userId];
    m_members.setLatestFrame(userId, image);
}

} // namespace roomrec
