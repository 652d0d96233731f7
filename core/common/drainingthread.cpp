#include "common/drainingthread.h"

#include <QCoreApplication>

namespace roomrec {

namespace {
// Run by ~QCoreApplication before it stops delivering events to other threads (after that,
// a worker's queued jobs, its quitting among them, would be dropped and the drain would
// never end): the drains still going finish now, with no event loop left to freeze.
void finishDrains()
{
    if (QCoreApplication *app = QCoreApplication::instance()) {
        for (DrainingThread *thread : app->findChildren<DrainingThread *>(Qt::FindDirectChildrenOnly))
            thread->wait();
    }
}
} // namespace

DrainingThread::DrainingThread(const QString &name)
{
    setObjectName(name);
    connect(this, &QThread::finished, this, &QObject::deleteLater);
}

DrainingThread::~DrainingThread()
{
    // Deleted by its own finished() (then it is done, or in its last moments after emitting
    // it), or by the application object's end, after finishDrains. Should the application
    // be gone before the owner released it, events reach no thread any more: end the loop
    // from here rather than wait for a worker that can no longer be told.
    if (!QCoreApplication::instance())
        quit();
    wait();
}

void DrainingThread::release()
{
    QCoreApplication *app = QCoreApplication::instance();
    if (!app || app->thread() != thread())
        return;
    setParent(app);
    qRemovePostRoutine(finishDrains); // registered once, however many threads drain
    qAddPostRoutine(finishDrains);
}

} // namespace roomrec
