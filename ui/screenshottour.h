#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

namespace roomrec {

class MainWindow;

// Drives the window into a state ("hosting", "recording", "stopped", "library") through its own
// buttons, saves a picture of it and quits: scripts/screenshots.sh uses it for the docs.
// With members > 0 it first says the hosted port on stdout ("hosting on port N", so the
// script can send members in), publishes the camera, and waits until that many other
// members are tiles (with pictures when they publish one) before the state's steps.
class ScreenshotTour : public QObject {
    Q_OBJECT
public:
    ScreenshotTour(MainWindow &window, QString state, QString path, int delayMs, int members = 0, QObject *parent = nullptr);

    static bool isKnownState(const QString &state);
    void start();

private:
    void poll();
    bool membersShown() const;
    void runState();
    void clickRecord();
    void shoot();

    MainWindow &m_window;
    QString m_state;
    QString m_path;
    int m_delayMs;
    int m_members;
    bool m_announced = false;
    QTimer m_poll;
    int m_polls = 0;
};

} // namespace roomrec
