#pragma once

#include "media/screenregion.h"

#include <QImage>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QScreen;

namespace roomrec {

// The GUI-thread half of ScreenGrabSource: Qt grabs screens only on the GUI thread, so this
// object lives there, grabs on its own timer and hands each picture over by a queued
// signal. Nobody waits for anybody: stopping the capture just deletes it (deleteLater), so
// a worker that stops while the GUI thread is busy cannot deadlock.
class ScreenGrabber : public QObject {
    Q_OBJECT
public:
    ScreenGrabber(QScreen *screen, ScreenRegion region, int fps);

public slots:
    void start();

signals:
    void grabbed(const QImage &image); // null: the screen could not be grabbed

private:
    void grab();

    QPointer<QScreen> m_screen;
    ScreenRegion m_region;
    int m_fps;
    QTimer m_timer{this};
};

} // namespace roomrec
