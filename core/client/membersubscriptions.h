#pragma once

#include "client/memberlistmodel.h"
#include "client/remotemedia.h"

#include <QHash>
#include <QObject>

#include <memory>

namespace roomrec {

class RoomClient;

// Keeps every other member of the room subscribed (camera, audio and sub-stream), hands
// their packets to RemoteMedia (which decodes on its own thread) and puts what comes out
// into the MemberListModel: each member's latest picture (the screen share while there is
// one, else the camera), audio level and publishing flags (from the members event). The
// server forgets subscriptions when we leave or lose the connection: reset() then, and
// sync() again once back in the room. Runs on the client's thread and never waits.
class MemberSubscriptions : public QObject {
    Q_OBJECT
public:
    MemberSubscriptions(RoomClient &client, MemberListModel &members, QObject *parent = nullptr);
    ~MemberSubscriptions() override;

    // Used when the decoder starts (the first subscription).
    void setMediaOptions(const RemoteMedia::Options &options) { m_options = options; }
    // What the decoder plays goes here too (the microphone's echo canceller); kept across
    // setMediaOptions().
    void setEchoReference(std::shared_ptr<FarEndReference> reference) { m_echoReference = std::move(reference); }

    // Brings subscriptions and the model's flags in line with the client's members.
    void sync();
    // Forgets every subscription and decoder (the server forgot them, or we leave).
    void reset();

    QStringList subscribedMembers() const { return m_subscriptions.keys(); }
    qint64 picturesShown(const QString &userId) const { return m_pictures.value(userId); }
    RemoteMedia *media() const { return m_media.get(); } // null until the first subscription

signals:
    void errorOccurred(int code, const QString &message);

private:
    RemoteMedia &startedMedia(); // starts it on first use
    void subscribe(const QString &userId);
    void forget(const QString &userId, bool tellServer);
    void updateFlags(const QString &userId, const QStringList &tracks, const QStringList &muted);
    void showPicture(const QString &userId, Track track, const QImage &image);

    RoomClient &m_client;
    MemberListModel &m_members;
    RemoteMedia::Options m_options;
    std::shared_ptr<FarEndReference> m_echoReference;
    std::unique_ptr<RemoteMedia> m_media;
    QHash<QString, quint64> m_subscriptions; // user ID -> its subscription's number
    quint64 m_nextSubscription = 1;
    QHash<QString, qint64> m_pictures;       // shown per subscribed member
};

} // namespace roomrec
