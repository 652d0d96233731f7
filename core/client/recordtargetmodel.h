#pragma once

#include "protocol/recordparam.h"

#include <QAbstractListModel>
#include <QSet>

namespace roomrec {

class MemberListModel;
class RoomClient;

// One thing the user can record: their own camera or screen share (userId empty), or what
// another member publishes (their user ID), camera or sub-stream.
struct RecordTarget {
    QString userId;
    quint32 recordDataType = RecordParam::Camera;
    friend bool operator==(const RecordTarget &a, const RecordTarget &b)
    {
        return a.userId == b.userId && a.recordDataType == b.recordDataType;
    }
};

// "What to record", as a list model for the Record panel's choice: always your own camera
// and screen share (rows 0 and 1); with the `admin` privilege (the server says so at
// sign-in), also every other member's published camera and sub-stream, kept up to date as
// members come, go, publish and stop. A member whose recording we started stays listed
// until it ends (setRecorded), so the choice shown while recording does not move.
// Rows change by inserts and removals, never a reset, so a view keeps its selection.
class RecordTargetModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role { UserIdRole = Qt::UserRole + 1, RecordDataTypeRole, IsSelfRole };

    RecordTargetModel(const MemberListModel &members, const RoomClient &client, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    QList<RecordTarget> targets() const { return m_rows; }
    RecordTarget target(int row) const { return m_rows.value(row); }
    int rowOf(const RecordTarget &target) const { return int(m_rows.indexOf(target)); }
    // Keeps the member's rows while we record them (even if they stop publishing or leave).
    void setRecorded(const QString &userId, bool recorded);
    // The labels are translated when read: views ask again after a language change.
    void retranslate();

private:
    void refresh();
    QList<RecordTarget> wanted() const;

    const MemberListModel &m_members;
    const RoomClient &m_client;
    QList<RecordTarget> m_rows;
    QSet<QString> m_recorded;
};

} // namespace roomrec
