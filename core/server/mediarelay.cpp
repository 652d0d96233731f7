#include "server/mediarelay.h"

#include "protocol/errorcode.h"
#include "protocol/protocollimits.h"
#include "protocol/trackname.h"
#include "server/clientsession.h"

#include <algorithm>

namespace roomrec {

namespace {
constexpr MediaRelay::TrackMask kAllTracks = (1u << kTrackCount) - 1;

constexpr MediaRelay::TrackMask bit(Track track)
{
    return MediaRelay::TrackMask(1u << int(track));
}

bool sameRoom(const ClientSession *a, const ClientSession *b)
{
    return a->room && b->room && *a->room == *b->room;
}

// The `userId` and `track` fields of subscribe and unsubscribe.
Result<std::pair<QString, MediaRelay::TrackMask>> target(const ControlMessage &m)
{
    auto user = m.string(QStringLiteral("userId"), protocol::kMaxUserIdChars);
    if (!user)
        return user.error();
    auto name = m.stringOr(QStringLiteral("track"), {}, 16);
    if (!name)
        return name.error();
    if (name->isEmpty())
        return std::make_pair(user.value(), kAllTracks);
    const auto track = trackFromName(name.value());
    if (!track)
        return makeError(ErrorCode::WrongFieldType, QStringLiteral("track: camera, sub-stream or audio"));
    return std::make_pair(user.value(), bit(*track));
}
} // namespace

bool MediaRelay::isPublished(const ClientSession *publisher, Track track)
{
    return track == Track::CameraAudio ? publisher->audio.has_value() : publisher->video[int(track)].has_value();
}

QCborMap MediaRelay::trackInfo(const ClientSession *publisher, Track track)
{
    QCborMap info{{QStringLiteral("userId"), publisher->userId}, {QStringLiteral("track"), trackName(track)}};
    if (track == Track::CameraAudio)
        info.insert(QStringLiteral("audio"), publisher->audio->toCbor());
    else
        info.insert(QStringLiteral("video"), publisher->video[int(track)]->toCbor());
    if (publisher->clockEpochUs)
        info.insert(QStringLiteral("clockEpochUs"), *publisher->clockEpochUs);
    return info;
}

QCborMap MediaRelay::publishedTracks(const QList<ClientSession *> &members)
{
    QCborMap out;
    for (const ClientSession *m : members) {
        QCborArray names = out.value(m->userId).toArray(); // a user may be in the room twice
        for (int t = 0; t < kTrackCount; ++t) {
            if (isPublished(m, Track(t)) && !names.contains(trackName(Track(t))))
                names << trackName(Track(t));
        }
        out.insert(m->userId, names);
    }
    return out;
}

void MediaRelay::subscribe(ClientSession *s, const ControlMessage &m, const QList<ClientSession *> &roomMembers)
{
    if (!s->room)
        return s->replyError(m.id(), makeError(ErrorCode::NotInRoom));
    auto wanted = target(m);
    if (!wanted)
        return s->replyError(m.id(), wanted.error());
    const auto &[userId, mask] = wanted.value();
    QList<ClientSession *> publishers;
    for (ClientSession *member : roomMembers) {
        if (member->userId == userId)
            publishers << member;
    }
    if (publishers.isEmpty())
        return s->replyError(m.id(), makeError(ErrorCode::MemberNotInRoom, userId));
    auto &slot = m_subscribers[s];
    if (!slot)
        slot = std::make_unique<Subscriber>(s, m_backlogBytes);
    slot->tracks[userId] |= mask;
    QCborArray tracks;
    QList<std::pair<ClientSession *, Track>> toAttach;
    for (ClientSession *publisher : std::as_const(publishers)) {
        for (int t = 0; t < kTrackCount; ++t) {
            if ((mask & bit(Track(t))) && isPublished(publisher, Track(t))) {
                tracks << trackInfo(publisher, Track(t));
                toAttach.append({publisher, Track(t)});
            }
        }
    }
    // The reply (with the stream parameters a decoder needs) goes out before the cached GOP:
    // both travel in order on the one connection.
    s->reply(m.id(), QCborMap{{QStringLiteral("tracks"), tracks}});
    for (const auto &[publisher, track] : std::as_const(toAttach))
        attach(*slot, publisher, track);
}

void MediaRelay::unsubscribe(ClientSession *s, const ControlMessage &m)
{
    auto wanted = target(m);
    if (!wanted)
        return s->replyError(m.id(), wanted.error());
    const auto &[userId, mask] = wanted.value();
    const auto found = m_subscribers.find(s);
    if (found == m_subscribers.end() || !(found->second->tracks.value(userId) & mask))
        return s->replyError(m.id(), makeError(ErrorCode::NotSubscribed, userId));
    Subscriber &subscriber = *found->second;
    const TrackMask left = subscriber.tracks.value(userId) & ~mask;
    if (left)
        subscriber.tracks[userId] = left;
    else
        subscriber.tracks.remove(userId);
    for (auto &[publisher, forwarders] : m_forwarders) {
        if (publisher->userId != userId)
            continue;
        for (auto &f : forwarders) {
            if (f && (mask & bit(f->track())))
                f->removeSubscriber(&subscriber.queue);
        }
    }
    if (subscriber.tracks.isEmpty())
        m_subscribers.erase(found);
    s->reply(m.id());
}

void MediaRelay::attach(Subscriber &subscriber, ClientSession *publisher, Track track)
{
    auto &f = m_forwarders[publisher][int(track)];
    if (!f)
        f = std::make_unique<TrackForwarder>(publisher->userId, track);
    const bool hasPicture = f->addSubscriber(&subscriber.queue);
    if (!hasPicture && track != Track::CameraAudio && f->takeKeyFrameRequest())
        emit keyFrameNeeded(publisher, track);
}

void MediaRelay::published(ClientSession *publisher, Track track)
{
    // New parameters: subscribers start again from a key frame of the new stream.
    m_forwarders[publisher][int(track)] = std::make_unique<TrackForwarder>(publisher->userId, track);
    const TrackMask wanted = bit(track);
    for (auto &[session, subscriber] : m_subscribers) {
        if (!sameRoom(session, publisher) || !(subscriber->tracks.value(publisher->userId) & wanted))
            continue;
        session->sendEvent(QStringLiteral("trackPublished"), trackInfo(publisher, track));
        attach(*subscriber, publisher, track);
    }
}

void MediaRelay::unpublished(ClientSession *publisher, Track track)
{
    const auto found = m_forwarders.find(publisher);
    if (found != m_forwarders.end())
        found->second[int(track)].reset();
}

void MediaRelay::leftRoom(ClientSession *s)
{
    m_forwarders.erase(s);
    const auto found = m_subscribers.find(s);
    if (found == m_subscribers.end())
        return;
    for (auto &[publisher, forwarders] : m_forwarders) {
        for (auto &f : forwarders) {
            if (f)
                f->removeSubscriber(&found->second->queue);
        }
    }
    m_subscribers.erase(found);
}

bool MediaRelay::forward(ClientSession *publisher, const MediaPacket &packet)
{
    const auto found = m_forwarders.find(publisher);
    if (found == m_forwarders.end())
        return false;
    if (TrackForwarder *f = found->second[int(packet.track)].get())
        f->forward(packet);
    return std::any_of(found->second.begin(), found->second.end(), [](const auto &f) { return f && f->subscriberCount() > 0; });
}

qint64 MediaRelay::droppedFor(const ClientSession *subscriber) const
{
    const auto found = m_subscribers.find(const_cast<ClientSession *>(subscriber));
    return found == m_subscribers.end() ? 0 : found->second->queue.droppedTotal();
}

qint64 MediaRelay::droppedTotal() const
{
    qint64 total = 0;
    for (const auto &[session, subscriber] : m_subscribers)
        total += subscriber->queue.droppedTotal();
    return total;
}

} // namespace roomrec
