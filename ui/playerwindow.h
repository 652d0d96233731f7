#pragma once

#include <QWidget>

class QAudioOutput;
class QLabel;
class QMediaPlayer;
class QPushButton;
class QSlider;
class QVideoWidget;

namespace roomrec {

// A small in-app player (QMediaPlayer) for recorded files on this computer.
class PlayerWindow : public QWidget {
    Q_OBJECT
public:
    explicit PlayerWindow(QWidget *parent = nullptr);
    void play(const QString &path, const QString &title);
    QMediaPlayer *player() const { return m_player; }

private:
    QMediaPlayer *m_player;
    QAudioOutput *m_audio;
    QVideoWidget *m_video;
    QPushButton *m_playPause;
    QSlider *m_position;
    QLabel *m_time;
};

} // namespace roomrec
