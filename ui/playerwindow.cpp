#include "playerwindow.h"

#include <QAudioOutput>
#include <QHBoxLayout>
#include <QLabel>
#include <QMediaPlayer>
#include <QPushButton>
#include <QSlider>
#include <QUrl>
#include <QVBoxLayout>
#include <QVideoWidget>

namespace roomrec {

namespace {
QString clock(qint64 ms)
{
    const qint64 s = ms / 1000;
    return QStringLiteral("%1:%2:%3").arg(s / 3600).arg((s / 60) % 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'));
}
} // namespace

PlayerWindow::PlayerWindow(QWidget *parent) : QWidget(parent, Qt::Window)
{
    m_player = new QMediaPlayer(this);
    m_audio = new QAudioOutput(this);
    m_video = new QVideoWidget(this);
    m_player->setAudioOutput(m_audio);
    m_player->setVideoOutput(m_video);
    m_playPause = new QPushButton(tr("Pause"), this);
    m_position = new QSlider(Qt::Horizontal, this);
    m_position->setAccessibleName(tr("Position"));
    m_time = new QLabel(this);
    auto *controls = new QHBoxLayout;
    controls->addWidget(m_playPause);
    controls->addWidget(m_position, 1);
    controls->addWidget(m_time);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_video, 1);
    layout->addLayout(controls);
    resize(800, 500);
    connect(m_playPause, &QPushButton::clicked, this, [this] {
        if (m_player->playbackState() == QMediaPlayer::PlayingState)
            m_player->pause();
        else
            m_player->play();
    });
    connect(m_player, &QMediaPlayer::playbackStateChanged, this, [this](QMediaPlayer::PlaybackState state) {
        m_playPause->setText(state == QMediaPlayer::PlayingState ? tr("Pause") : tr("Play"));
    });
    connect(m_player, &QMediaPlayer::durationChanged, this, [this](qint64 ms) { m_position->setRange(0, int(ms)); });
    connect(m_player, &QMediaPlayer::positionChanged, this, [this](qint64 ms) {
        if (!m_position->isSliderDown())
            m_position->setValue(int(ms));
        m_time->setText(clock(ms) + QStringLiteral(" / ") + clock(m_player->duration()));
    });
    connect(m_position, &QSlider::sliderMoved, m_player, &QMediaPlayer::setPosition);
    connect(m_player, &QMediaPlayer::errorOccurred, this, [this](QMediaPlayer::Error, const QString &text) {
        m_time->setText(tr("Cannot play: %1").arg(text));
    });
}

void PlayerWindow::play(const QString &path, const QString &title)
{
    setWindowTitle(tr("RoomRec player — %1").arg(title));
    m_player->setSource(QUrl::fromLocalFile(path));
    m_player->play();
    show();
    raise();
}

} // namespace roomrec
