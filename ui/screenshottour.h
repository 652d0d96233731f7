#pragma once

#include <QObject>
#include <QString>

namespace roomrec {

class MainWindow;

// Drives the window into a state ("hosting", "recording", "stopped", "library") through its own
// buttons, saves a picture of it and quits: scripts/screenshots.sh uses it for the docs.
class ScreenshotTour : public QObject {
    Q_OBJECT
public:
    ScreenshotTour(MainWindow &window, QString state, QString path, int delayMs, QObject *parent = nullptr);

    static bool isKnownState(const QString &state);
    void start();

private:
    void clickRecord();
    void shoot();

    MainWindow &m_window;
    QString m_state;
    QString m_path;
    int m_delayMs;
};

} // namespace roomrec
