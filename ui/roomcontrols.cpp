#include "roomcontrols.h"

#include "client/roomsession.h"

#include <QHBoxLayout>
#include <QPushButton>
#include <QSignalBlocker>

namespace roomrec {

RoomControls::RoomControls(RoomSession &session, QWidget *parent) : QWidget(parent), m_session(session)
{
    m_mic = new QPushButton(this);
    m_camera = new QPushButton(this);
    m_share = new QPushButton(this);
    m_leave = new QPushButton(this);
    for (QPushButton *b : {m_mic, m_camera, m_share})
        b->setCheckable(true);
    m_mic->setIcon(QIcon::fromTheme(QStringLiteral("audio-input-microphone")));
    m_camera->setIcon(QIcon::fromTheme(QStringLiteral("camera-web")));
    m_share->setIcon(QIcon::fromTheme(QStringLiteral("video-display")));
    m_leave->setIcon(QIcon::fromTheme(QStringLiteral("call-stop")));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addStretch();
    for (QPushButton *b : {m_mic, m_camera, m_share, m_leave})
        layout->addWidget(b);
    layout->addStretch();

    LocalStream &screen = session.stream(Track::SubStreamVideo);
    connect(m_mic, &QPushButton::toggled, &session, &RoomSession::setMicOn);
    connect(m_camera, &QPushButton::toggled, &session, &RoomSession::setCameraOn);
    connect(m_share, &QPushButton::toggled, &screen, &LocalStream::setPublishWanted);
    connect(m_leave, &QPushButton::clicked, &session, &RoomSession::leaveRoom);
    connect(&session, &RoomSession::micOnChanged, this, &RoomControls::showState);
    connect(&session, &RoomSession::cameraOnChanged, this, &RoomControls::showState);
    connect(&session, &RoomSession::stateChanged, this, &RoomControls::showState);
    connect(&screen, &LocalStream::publishWantedChanged, this, &RoomControls::showState);
    showState();
}

void RoomControls::showState()
{
    const QSignalBlocker mic(m_mic), camera(m_camera), share(m_share);
    m_mic->setChecked(m_session.isMicOn());
    m_camera->setChecked(m_session.isCameraOn());
    m_share->setChecked(m_session.stream(Track::SubStreamVideo).publishWanted());
    m_leave->setEnabled(m_session.state() == ClientState::InRoom);
    retranslate();
}

void RoomControls::retranslate()
{
    // Each button says what it does now (what a click changes).
    m_mic->setText(m_mic->isChecked() ? tr("Mute mic") : tr("Unmute mic"));
    m_mic->setToolTip(m_mic->isChecked() ? tr("Turn the microphone off: it is closed and the room sees you muted")
                                         : tr("Turn the microphone on again"));
    m_camera->setText(m_camera->isChecked() ? tr("Stop camera") : tr("Start camera"));
    m_camera->setToolTip(m_camera->isChecked() ? tr("Turn the camera off: it is closed and the room sees your avatar")
                                               : tr("Turn the camera on again"));
    m_share->setText(m_share->isChecked() ? tr("Stop sharing") : tr("Share screen"));
    m_share->setToolTip(tr("Send the screen share to the room"));
    m_leave->setText(tr("Leave"));
    m_leave->setToolTip(tr("Leave the room (a recording of yours is stopped and kept)"));
}

} // namespace roomrec
