#pragma once

#include "client/memberlistmodel.h"
#include "protocol/roominfo.h"

#include <QPointer>

#include <QWidget>

class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace roomrec {

// Create or join a room by group (relation) ID + room ID, its kind, the live member list.
// Leaving is the room controls' Leave (one button for it in the window).
class RoomPanel : public QWidget {
    Q_OBJECT
public:
    explicit RoomPanel(QWidget *parent = nullptr);

    RoomInfo room() const;
    RoomKind kind() const;
    void setRoom(const RoomInfo &room, RoomKind kind);
    // The list follows the session's member model (who is there, who publishes what).
    void setMembersModel(MemberListModel *model);
    void setCanJoin(bool canJoin); // signed in (or in a room): Join works
    // Shown while others are heard through speakers, the mic is on and nothing cancels the
    // echo (RoomSession::headphonesAdvised).
    void setHeadphonesAdvised(bool advised);
    void retranslate();

    QListWidget *membersList() const { return m_members; }
    QPushButton *joinButton() const { return m_join; }
    QComboBox *kindBox() const { return m_kind; }
    QLabel *headphonesNotice() const { return m_headphones; }

signals:
    void joinRequested();

private:
    QSpinBox *m_relation;
    QSpinBox *m_roomId;
    QComboBox *m_kind;
    QPushButton *m_join;
    void showMembers();

    QListWidget *m_members;
    QPointer<MemberListModel> m_model;
    QLabel *m_labels[4];
    QLabel *m_headphones;
};

} // namespace roomrec
