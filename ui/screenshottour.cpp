#include "screenshottour.h"

#include "mainwindow.h"
#include "membertile.h"
#include "membertilegrid.h"
#include "recordpanel.h"
#include "streampanel.h"

#include <QAbstractButton>
#include <QApplication>
#include <QPushButton>
#include <QTabWidget>
#include <cstdio>

namespace roomrec {

namespace {
constexpr int kPollMs = 100;
constexpr int kMaxWaitPolls = 600; // a minute for the members to show up
}

ScreenshotTour::ScreenshotTour(MainWindow &window, QString state, QString path, int delayMs, int members, QObject *parent)
    : QObject(parent), m_window(window), m_state(std::move(state)), m_path(std::move(path)), m_delayMs(delayMs),
      m_members(members)
{
    m_poll.setInterval(kPollMs);
    connect(&m_poll, &QTimer::timeout, this, &ScreenshotTour::poll);
}

bool ScreenshotTour::isKnownState(const QString &state)
{
    return state == QLatin1String("hosting") || state == QLatin1String("recording") || state == QLatin1String("stopped")
           || state == QLatin1String("library");
}

void ScreenshotTour::start()
{
    if (m_members <= 0)
        return runState();
    m_poll.start();
}

void ScreenshotTour::poll()
{
    if (!m_announced && m_window.hostedPort() != 0 && m_window.client().state() == ClientState::InRoom) {
        m_announced = true;
        std::printf("hosting on port %u\n", unsigned(m_window.hostedPort()));
        std::fflush(stdout);
        m_window.cameraPanel()->publishBox()->click(); // a live room: everyone sends
    }
    if (m_announced && membersShown()) {
        m_poll.stop();
        return runState();
    }
    if (++m_polls > kMaxWaitPolls) {
        m_poll.stop();
        std::fprintf(stderr, "roomrec: %d other member(s) did not show up in time\n", m_members);
        QApplication::exit(1);
    }
}

bool ScreenshotTour::membersShown() const
{
    int ready = 0;
    for (const MemberTile *tile : m_window.tileGrid()->tiles()) {
        const MemberState &m = tile->state();
        // Someone who sends a camera counts once their pictures are on the tile.
        if (!m.isSelf && (!m.publishesCamera || tile->framesShown() >= 10))
            ++ready;
    }
    return ready >= m_members;
}

void ScreenshotTour::runState()
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
