#pragma once

#include "protocol/mediapacket.h"

#include <QAbstractListModel>
#include <QImage>

#include <optional>

namespace roomrec {

// What the window knows of one member of the room. Remote video and audio (latestFrame,
// audioLevel) are filled by whoever decodes the member's media (subscriptions), so a tile
// can show them; everything else comes from the room session.
struct MemberState {
    QString userId;
    bool isSelf = false;
    bool publishesCamera = false;
    bool publishesSubStream = false;
    bool publishesAudio = false;
    bool micMuted = false;
    bool cameraOff = false; // turned off by the member: the tile shows the avatar
    QImage latestFrame;     // the member's latest decoded camera (or screen) picture
    float audioLevel = 0.f; // 0..1, for a speaking indicator
};

// The room's members as a list model the widgets observe (one row per user, in the order
// the server lists them, yourself included). Rows keep their state while the member stays.
class MemberListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        UserIdRole = Qt::UserRole + 1,
        IsSelfRole,
        PublishesCameraRole,
        PublishesSubStreamRole,
        PublishesAudioRole,
        MicMutedRole,
        LatestFrameRole,
        AudioLevelRole,
        CameraOffRole,
    };

    explicit MemberListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // The server's list (a user with two connections is one row); self marks your own row.
    void setMembers(const QStringList &userIds, const QString &self);
    void clear() { setMembers({}, {}); }
    void setPublishing(const QString &userId, Track track, bool on);
    void setMicMuted(const QString &userId, bool muted);
    void setCameraOff(const QString &userId, bool off);
    void setLatestFrame(const QString &userId, const QImage &frame);
    void setAudioLevel(const QString &userId, float level);

    QStringList userIds() const;
    std::optional<MemberState> member(const QString &userId) const;
    int rowOf(const QString &userId) const;

private:
    template <typename F>
    void update(const QString &userId, int role, F change);

    QList<MemberState> m_members;
};

} // namespace roomrec
