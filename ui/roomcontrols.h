#pragma once

#include <QWidget>

class QPushButton;

namespace roomrec {

class RoomSession;

// The bar under the member tiles: Mic on/off, Camera on/off, Share screen / Stop sharing and
// Leave. It only observes the RoomSession and calls it: the mic and camera state live there
// (setMicOn/setCameraOn), sharing is the screen stream's publish wish, leaving is
// RoomSession::leaveRoom. The window has no other Share screen or Leave button.
class RoomControls : public QWidget {
    Q_OBJECT
public:
    explicit RoomControls(RoomSession &session, QWidget *parent = nullptr);

    QPushButton *micButton() const { return m_mic; }
    QPushButton *cameraButton() const { return m_camera; }
    QPushButton *shareButton() const { return m_share; }
    QPushButton *leaveButton() const { return m_leave; }
    void retranslate();

private:
    void showState();

    RoomSession &m_session;
    QPushButton *m_mic;
    QPushButton *m_camera;
    QPushButton *m_share;
    QPushButton *m_leave;
};

} // namespace roomrec
