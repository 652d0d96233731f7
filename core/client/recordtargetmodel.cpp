#include "client/recordtargetmodel.h"

#include "client/memberlistmodel.h"
#include "client/roomclient.h"

namespace roomrec {

RecordTargetModel::RecordTargetModel(const MemberListModel &members, const RoomClient &client, QObject *parent)
    : QAbstractListModel(parent), m_members(members), m_client(client)
{
    m_rows = wanted();
    connect(&members, &QAbstractItemModel::modelReset, this, &RecordTargetModel::refresh);
    connect(&members, &QAbstractItemModel::rowsInserted, this, &RecordTargetModel::refresh);
    connect(&members, &QAbstractItemModel::rowsRemoved, this, &RecordTargetModel::refresh);
    connect(&members, &QAbstractItemModel::rowsMoved, this, &RecordTargetModel::refresh);
    connect(&members, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &, const QModelIndex &, const QList<int> &roles) {
                // Pictures and audio levels change many times a second: only publishing matters.
                if (roles.isEmpty() || roles.contains(MemberListModel::PublishesCameraRole)
                    || roles.contains(MemberListModel::PublishesSubStreamRole) || roles.contains(MemberListModel::IsSelfRole))
                    refresh();
            });
    // The privileges are known once signed in (and forgotten on a new connection).
    connect(&client, &RoomClient::stateChanged, this, &RecordTargetModel::refresh);
}

int RecordTargetModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant RecordTargetModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const RecordTarget &t = m_rows.at(index.row());
    const bool screen = t.recordDataType == RecordParam::SubStream;
    switch (role) {
    case Qt::DisplayRole:
        if (t.userId.isEmpty())
            return screen ? tr("My screen share (sub-stream)") : tr("My camera");
        return screen ? tr("%1 — screen share").arg(t.userId) : tr("%1 — camera").arg(t.userId);
    case Qt::ToolTipRole:
        return t.userId.isEmpty() ? QVariant()
                                  : tr("Records what %1 publishes; the file is theirs (admin privilege)").arg(t.userId);
    case UserIdRole:
        return t.userId;
    case RecordDataTypeRole:
        return t.recordDataType;
    case IsSelfRole:
        return t.userId.isEmpty();
    default:
        return {};
    }
}

void RecordTargetModel::setRecorded(const QString &userId, bool recorded)
{
    if (recorded)
        m_recorded.insert(userId);
    else
        m_recorded.remove(userId);
    refresh();
}

void RecordTargetModel::retranslate()
{
    if (!m_rows.isEmpty())
        emit dataChanged(index(0), index(int(m_rows.size()) - 1), {Qt::DisplayRole, Qt::ToolTipRole});
}

QList<RecordTarget> RecordTargetModel::wanted() const
{
    QList<RecordTarget> out{{QString(), RecordParam::Camera}, {QString(), RecordParam::SubStream}};
    if (!m_client.isAdmin())
        return out;
    const QString self = m_client.userId();
    for (const QString &id : m_members.userIds()) {
        const auto member = m_members.member(id);
        if (!member || member->isSelf || id == self)
            continue;
        if (member->publishesCamera || m_recorded.contains(id))
            out.append({id, RecordParam::Camera});
        if (member->publishesSubStream || m_recorded.contains(id))
            out.append({id, RecordParam::SubStream});
    }
    // Recorded members who left stay at the end until their recording ends.
    for (const QString &id : m_recorded) {
        if (!m_members.member(id))
            out << RecordTarget{id, RecordParam::Camera} << RecordTarget{id, RecordParam::SubStream};
    }
    return out;
}

void RecordTargetModel::refresh()
{
    const QList<RecordTarget> next = wanted();
    // Rows that go, from the end; then the new ones at their places: no reset, so a combo
    // box keeps its current item.
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (!next.contains(m_rows.at(row))) {
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
        }
    }
    for (int row = 0; row < next.size(); ++row) {
        if (row < m_rows.size() && m_rows.at(row) == next.at(row))
            continue;
        const int at = int(m_rows.indexOf(next.at(row)));
        if (at > row) { // same rows, another order (the server's list moved)
            beginMoveRows({}, at, at, {}, row);
            m_rows.move(at, row);
            endMoveRows();
        } else {
            beginInsertRows({}, row, row);
            m_rows.insert(row, next.at(row));
            endInsertRows();
        }
    }
}

} // namespace roomrec
