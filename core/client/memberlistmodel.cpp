#include "client/memberlistmodel.h"

namespace roomrec {

MemberListModel::MemberListModel(QObject *parent) : QAbstractListModel(parent) {}

int MemberListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_members.size());
}

QVariant MemberListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() < 0 || index.row() >= m_members.size())
        return {};
    const MemberState &m = m_members.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case UserIdRole: return m.userId;
    case IsSelfRole: return m.isSelf;
    case PublishesCameraRole: return m.publishesCamera;
    case PublishesSubStreamRole: return m.publishesSubStream;
    case PublishesAudioRole: return m.publishesAudio;
    case MicMutedRole: return m.micMuted;
    case LatestFrameRole: return m.latestFrame;
    case AudioLevelRole: return m.audioLevel;
    case CameraOffRole: return m.cameraOff;
    default: return {};
    }
}

QHash<int, QByteArray> MemberListModel::roleNames() const
{
    return {{UserIdRole, "userId"},           {IsSelfRole, "isSelf"},
            {PublishesCameraRole, "camera"},  {PublishesSubStreamRole, "subStream"},
            {PublishesAudioRole, "audio"},    {MicMutedRole, "micMuted"},
            {LatestFrameRole, "latestFrame"}, {AudioLevelRole, "audioLevel"},
            {CameraOffRole, "cameraOff"}};
}

void MemberListModel::setMembers(const QStringList &userIds, const QString &self)
{
    QStringList wanted;
    for (const QString &id : userIds) {
        if (!wanted.contains(id))
            wanted << id;
    }
    // Rows that go, then rows that come, so a member who stays keeps its row and state.
    for (int row = int(m_members.size()) - 1; row >= 0; --row) {
        if (!wanted.contains(m_members.at(row).userId)) {
            beginRemoveRows({}, row, row);
            m_members.removeAt(row);
            endRemoveRows();
        }
    }
    for (int i = 0; i < wanted.size(); ++i) {
        const int row = rowOf(wanted.at(i));
        if (row == i)
            continue;
        if (row < 0) {
            beginInsertRows({}, i, i);
            MemberState state;
            state.userId = wanted.at(i);
            m_members.insert(i, state);
            endInsertRows();
        } else {
            beginMoveRows({}, row, row, {}, i);
            m_members.move(row, i);
            endMoveRows();
        }
    }
    for (int row = 0; row < m_members.size(); ++row) {
        const bool isSelf = m_members.at(row).userId == self;
        if (m_members.at(row).isSelf != isSelf) {
            m_members[row].isSelf = isSelf;
            emit dataChanged(index(row), index(row), {IsSelfRole});
        }
    }
}

template <typename F>
void MemberListModel::update(const QString &userId, int role, F change)
{
    const int row = rowOf(userId);
    if (row < 0)
        return;
    if (change(m_members[row]))
        emit dataChanged(index(row), index(row), {role});
}

void MemberListModel::setPublishing(const QString &userId, Track track, bool on)
{
    const int role = track == Track::CameraVideo      ? PublishesCameraRole
                     : track == Track::SubStreamVideo ? PublishesSubStreamRole
                                                      : PublishesAudioRole;
    update(userId, role, [track, on](MemberState &m) {
        bool &flag = track == Track::CameraVideo ? m.publishesCamera
                     : track == Track::SubStreamVideo ? m.publishesSubStream
                                                      : m.publishesAudio;
        return std::exchange(flag, on) != on;
    });
}

void MemberListModel::setMicMuted(const QString &userId, bool muted)
{
    update(userId, MicMutedRole, [muted](MemberState &m) { return std::exchange(m.micMuted, muted) != muted; });
}

void MemberListModel::setCameraOff(const QString &userId, bool off)
{
    update(userId, CameraOffRole, [off](MemberState &m) { return std::exchange(m.cameraOff, off) != off; });
}

void MemberListModel::setLatestFrame(const QString &userId, const QImage &frame)
{
    update(userId, LatestFrameRole, [&frame](MemberState &m) {
        m.latestFrame = frame;
        return true;
    });
}

void MemberListModel::setAudioLevel(const QString &userId, float level)
{
    update(userId, AudioLevelRole, [level](MemberState &m) { return std::exchange(m.audioLevel, level) != level; });
}

QStringList MemberListModel::userIds() const
{
    QStringList ids;
    for (const MemberState &m : m_members)
        ids << m.userId;
    return ids;
}

std::optional<MemberState> MemberListModel::member(const QString &userId) const
{
    const int row = rowOf(userId);
    return row < 0 ? std::nullopt : std::optional<MemberState>(m_members.at(row));
}

int MemberListModel::rowOf(const QString &userId) const
{
    for (int row = 0; row < m_members.size(); ++row) {
        if (m_members.at(row).userId == userId)
            return row;
    }
    return -1;
}

} // namespace roomrec
