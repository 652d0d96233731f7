#pragma once

#include "client/publishedstream.h"

#include <QWidget>

class QAbstractButton;
class QComboBox;
class QLabel;
class QLineEdit;

namespace roomrec {

class VideoPreview;

// One of the user's streams on screen: its source picker (test sources say so), what it
// captures with (the caption) and, for the camera, its "Publish" toggle (previewed locally,
// sent only when ticked). The screen is shared with the room controls' "Share screen" /
// "Stop sharing" (not even captured until pressed), so its panel has no button of its own.
// Both start off: nothing leaves the computer until the user asks. The screen panel shows
// its preview; the camera's picture is your own member tile (one place on screen), so the
// camera panel has none.
class StreamPanel : public QWidget {
    Q_OBJECT
public:
    StreamPanel(Track track, QWidget *parent = nullptr);

    Track track() const { return m_track; }
    QString sourceId() const;
    void setSourceId(const QString &id);
    bool publishWanted() const; // the camera's toggle (false for the screen: see RoomControls)
    // Sub-stream only: the part of the screen to share (empty: the whole screen).
    QRect region() const;
    void setRegion(const QRect &region);
    QLineEdit *regionEdit() const { return m_region; }
    // Camera only: the size and rate picked from what the selected camera offers
    // (invalid size: the default, 1280x720 at 30 fps or the closest the camera has).
    QSize formatSize() const;
    int formatFps() const;
    void setPublishWanted(bool on);
    VideoPreview *preview() const { return m_preview; } // null for the camera (your tile shows it)
    void setCaption(const QString &caption); // the source (and encoder while it runs)
    QString caption() const;
    QComboBox *sourceBox() const { return m_source; }
    QAbstractButton *publishBox() const { return m_publish; } // the camera's Publish; null for the screen
    void retranslate();

signals:
    void sourceChanged(const QString &id);
    void publishToggled(bool on);

private:
    void fillSources();

    Track m_track;
    QLabel *m_title;
    VideoPreview *m_preview = nullptr;
    QLabel *m_caption = nullptr;
    QComboBox *m_source;
    QAbstractButton *m_publish = nullptr; // camera only
    QLineEdit *m_region = nullptr;
    QComboBox *m_format = nullptr;
    void fillFormats();
};

} // namespace roomrec
