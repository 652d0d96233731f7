#include "server/networkthreads.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QMetaObject>

namespace roomrec {

NetworkThreads::NetworkThreads(int count)
{
    for (int i = 0; i < count; ++i) {
        Worker worker;
        worker.thread = std::make_unique<QThread>();
        worker.thread->setObjectName(QStringLiteral("roomrec-net-%1").arg(i + 1));
        worker.anchor = std::make_unique<QObject>();
        worker.anchor->moveToThread(worker.thread.get());
        worker.thread->start();
        m_threads.push_back(std::move(worker));
    }
}

NetworkThreads::~NetworkThreads()
{
    // Without the application object (a server destroyed at exit) nothing queued runs any more:
    // the threads are then told directly.
    const bool queuedRuns = QCoreApplication::instance() != nullptr;
    for (const auto &worker : m_threads) {
        // Queued behind everything already posted there (a connection's close and its
        // deletion), so those run first; quit() alone could end the loop before them.
        QThread *thread = worker.thread.get();
        if (queuedRuns)
            QMetaObject::invokeMethod(worker.anchor.get(), [thread] { thread->quit(); }, Qt::QueuedConnection);
        else
            thread->quit();
    }
    // Shutdown only: each thread has just its last few closes to run.
    const QDeadlineTimer deadline(5000);
    for (auto &worker : m_threads) {
        if (!worker.thread->wait(deadline)) {
            worker.thread->quit();
            worker.thread->wait();
        }
        worker.anchor.reset(); // its thread has ended: deleting it here is safe
    }
}

QThread *NetworkThreads::next()
{
    if (m_threads.empty())
        return nullptr;
    QThread *thread = m_threads.at(size_t(m_next)).thread.get();
    m_next = (m_next + 1) % int(m_threads.size());
    return thread;
}

int NetworkThreads::defaultCount()
{
    const int cores = QThread::idealThreadCount();
    return qBound(0, cores - 1, 8);
}

} // namespace roomrec
