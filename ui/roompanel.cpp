#include "roompanel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>

namespace roomrec {

RoomPanel::RoomPanel(QWidget *parent) : QWidget(parent)
{
    m_relation = new QSpinBox(this);
    m_relation->setRange(0, 999999999);
    m_roomId = new QSpinBox(this);
    m_roomId->setRange(0, 999999999);
    m_kind = new QComboBox(this);
    m_kind->addItem(QString(), int(RoomKind::MultiParty));
    m_kind->addItem(QString(), int(RoomKind::OneOnOne));
    m_join = new QPushButton(this);
    m_members = new QListWidget(this);
    m_members->setMaximumHeight(140);
    for (QLabel *&label : m_labels)
        label = new QLabel(this);
    m_headphones = new QLabel(this);
    m_headphones->setWordWrap(true);
    m_headphones->setStyleSheet(QStringLiteral("QLabel { color: #8a4b00; font-weight: bold; }"));
    m_headphones->setVisible(false);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_join);
    auto *form = new QFormLayout(this);
    form->addRow(m_labels[0], m_relation);
    form->addRow(m_labels[1], m_roomId);
    form->addRow(m_labels[2], m_kind);
    form->addRow(QString(), buttons);
    form->addRow(m_labels[3], m_members);
    form->addRow(m_headphones);
    connect(m_join, &QPushButton::clicked, this, &RoomPanel::joinRequested);
    retranslate();
}

void RoomPanel::retranslate()
{
    m_labels[0]->setText(tr("Group ID"));
    m_labels[1]->setText(tr("Room ID"));
    m_labels[2]->setText(tr("Kind"));
    m_labels[3]->setText(tr("Members"));
    showMembers();
    m_relation->setAccessibleName(tr("Group ID"));
    m_relation->setToolTip(tr("The group (relation) ID the room belongs to"));
    m_roomId->setAccessibleName(tr("Room ID"));
    m_kind->setItemText(0, tr("Multi-party room"));
    m_kind->setItemText(1, tr("One-on-one call (cannot be recorded)"));
    m_kind->setAccessibleName(tr("Room kind"));
    m_join->setText(tr("Join"));
    m_join->setToolTip(tr("Join this room, creating it if nobody is in it"));
    m_members->setAccessibleName(tr("Members"));
    m_headphones->setText(tr("Use headphones: others are heard through your speakers while your microphone is on, "
                             "and this build cannot cancel the echo, so they would hear themselves."));
}

RoomInfo RoomPanel::room() const
{
    return RoomInfo{quint32(m_relation->value()), quint32(m_roomId->value())};
}

RoomKind RoomPanel::kind() const
{
    return RoomKind(m_kind->currentData().toInt());
}

void RoomPanel::setRoom(const RoomInfo &room, RoomKind kind)
{
    m_relation->setValue(int(room.relationId));
    m_roomId->setValue(int(room.roomId));
    m_kind->setCurrentIndex(m_kind->findData(int(kind)));
}

void RoomPanel::setMembersModel(MemberListModel *model)
{
    m_model = model;
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(model, signal, this, &RoomPanel::showMembers);
    connect(model, &QAbstractItemModel::rowsMoved, this, &RoomPanel::showMembers);
    connect(model, &QAbstractItemModel::modelReset, this, &RoomPanel::showMembers);
    connect(model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &, const QModelIndex &, const QList<int> &roles) {
        if (!roles.contains(MemberListModel::LatestFrameRole) && !roles.contains(MemberListModel::AudioLevelRole))
            showMembers(); // pictures and levels are for tiles, not for this list
    });
    showMembers();
}

void RoomPanel::showMembers()
{
    m_members->clear();
    if (!m_model)
        return;
    for (const QString &id : m_model->userIds()) {
        const MemberState m = *m_model->member(id);
        QStringList what;
        if (m.publishesCamera)
            what << (m.cameraOff ? tr("camera off") : tr("camera"));
        if (m.publishesAudio)
            what << (m.micMuted ? tr("mic muted") : tr("mic"));
        if (m.publishesSubStream)
            what << tr("screen");
        QString text = m.isSelf ? tr("%1 (you)").arg(id) : id;
        if (!what.isEmpty())
            text = tr("%1 · %2").arg(text, what.join(QStringLiteral(", ")));
        m_members->addItem(text);
    }
}

void RoomPanel::setHeadphonesAdvised(bool advised)
{
    m_headphones->setVisible(advised);
}

void RoomPanel::setCanJoin(bool canJoin)
{
    m_join->setEnabled(canJoin);
}

} // namespace roomrec
