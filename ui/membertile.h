#pragma once

#include "client/memberlistmodel.h"

#include <QWidget>

namespace roomrec {

// One member of the room as a tile: the latest picture (or an avatar with the initials when
// there is no video), the name, a "Screen" badge while the member shares the screen, a
// crossed-out microphone when the mic is not sent, and a green frame while the member's
// audio level says they speak. Clicking it emits clicked() (the grid focuses it).
class MemberTile : public QWidget {
    Q_OBJECT
public:
    explicit MemberTile(QWidget *parent = nullptr);

    void setState(const MemberState &state);
    const MemberState &state() const { return m_state; }
    QString userId() const { return m_state.userId; }
    QImage picture() const { return m_state.latestFrame; }
    qint64 framesShown() const { return m_frames; } // pictures received since the tile came
    bool showsAvatar() const { return m_state.latestFrame.isNull(); }
    bool showsScreenBadge() const { return m_state.publishesSubStream; }
    bool showsMicMuted() const { return m_state.micMuted; }
    bool isSpeaking() const;
    QString name() const; // as shown: the user ID, "(you)" on your own tile
    static QString initials(const QString &userId);

    QSize sizeHint() const override { return {320, 180}; }
    QSize minimumSizeHint() const override { return {120, 68}; }

signals:
    void clicked(const QString &userId);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;

private:
    void paintAvatar(class QPainter &painter, const QRect &area) const;
    void paintMicMuted(class QPainter &painter, const QRect &area) const;

    MemberState m_state;
    qint64 m_frames = 0;
};

} // namespace roomrec
