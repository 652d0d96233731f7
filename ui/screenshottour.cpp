#include "screenshottour.h"

#include "mainwindow.h"
#include "recordpanel.h"

#include <QApplication>
#include <QPushButton>
#include <QTabWidget>
#include <QTimer>
#include <cstdio>

namespace roomrec {

ScreenshotTour::ScreenshotTour(MainWindow &window, QString state, QString path, int delayMs, QObject *parent)
    : QObject(parent), m_window(window), m_state(std::move(state)), m_path(std::move(path)), m_delayMs(delayMs)
{
}

bool ScreenshotTour::isKnownState(const QString &state)
{
    return state == QLatin1String("hosting") || state == QLatin1String("recording") || state == QLatin1String("stopped")
           || state == QLatin1String("library");
}

void ScreenshotTour::start()
{
    if (m_state != QLatin1String("hosting")) {
        QTimer::singleShot(m_delayMs / 4, this, &ScreenshotTour::clickRecord);
        if (m_state != QLatin1String("recording"))
            QTimer::singleShot(m_delayMs * 3 / 4, this, &ScreenshotTour::clickRecord);
        if (m_state == QLatin1String("library"))
            QTimer::singleShot(m_delayMs * 7 / 8, this, [this] { m_window.tabs()->setCurrentIndex(1); });
    }
    QTimer::singleShot(m_delayMs, this, &ScreenshotTour::shoot);
}

void ScreenshotTour::clickRecord()
{
    m_window.recordPanel()->recordButton()->click();
}

void ScreenshotTour::shoot()
{
    const bool saved = m_window.grab().save(m_path);
    std::fprintf(saved ? stdout : stderr, "%s %s\n", saved ? "saved" : "could not save", qPrintable(m_path));
    QApplication::exit(saved ? 0 : 1);
}

} // namespace roomrec
