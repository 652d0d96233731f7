#pragma once

#include "appsettings.h"

#include <QMutex>
#include <QObject>
#include <QThreadPool>

#include <optional>

namespace roomrec {

// Writes the settings file off the GUI thread. QSettings syncs through a lock file and
// QSaveFile, each fdatasync'ed: on a busy disk that is tens of milliseconds, which the
// window must not spend. Saves never overlap and the newest snapshot wins; idle() says
// everything asked for is on disk (the window waits for it before it closes).
class SettingsSaver : public QObject {
    Q_OBJECT
public:
    explicit SettingsSaver(QObject *parent = nullptr);
    ~SettingsSaver() override; // lets a save in progress finish (the window is going away)

    void save(const AppSettings &settings, const QString &path);
    bool isIdle() const { return m_outstanding == 0; }
    // Blocks until every save asked for is on disk: for destructors only.
    void waitUntilWritten() { m_pool.waitForDone(); }

signals:
    void idle();

private:
    QThreadPool m_pool; // one thread: saves in order
    QMutex m_mutex;
    std::optional<QPair<AppSettings, QString>> m_pending; // guarded by m_mutex
    int m_outstanding = 0;                                // GUI thread only
};

} // namespace roomrec
