#include "server/networkthreads.h"

#ifdef ROOMREC_EPOLL_DISPATCHER
#include "server/epolleventdispatcher.h"
#endif

#include <QCoreApplication>
#include <QMetaObject>

namespace roomrec {

NetworkThreads::NetworkThreads(int count)
{
    for (int i = 0; i < count; ++i) {
        Worker worker;
        worker.thread = new DrainingThread(QStringLiteral("roomrec-net-%1").arg(i + 1));
#ifdef ROOMREC_EPOLL_DISPATCHER
        // Only the sockets with data wake the thread's loop, not a poll() over all of them.
        worker.thread->setEventDispatcher(new EpollEventDispatcher);
#endif
        worker.anchor = new QObject;
        worker.anchor->moveToThread(worker.thread);
        worker.thread->start();
        m_threads.push_back(worker);
    }
}

NetworkThreads::~NetworkThreads()
{
    for (const Worker &worker : m_threads) {
        if (!QCoreApplication::instance()) {
            // A server destroyed at exit: nothing queued runs any more, so the thread is
            // ended from here (DrainingThread's destructor), then its anchor goes.
            delete worker.thread;
            delete worker.anchor;
            continue;
        }
        // Queued behind everything already posted there (a connection's close and its
        // deletion), so those run first; quit() alone could end the loop before them. The
        // thread then deletes itself: nobody here waits for it.
        DrainingThread *thread = worker.thread;
        QObject *anchor = worker.anchor;
        QMetaObject::invokeMethod(anchor, [thread, anchor] {
            anchor->deleteLater(); // as the thread ends
            thread->quit();
        }, Qt::QueuedConnection);
        thread->release();
    }
}

QThread *NetworkThreads::next()
{
    if (m_threads.empty())
        return nullptr;
    QThread *thread = m_threads.at(size_t(m_next)).thread;
    m_next = (m_next + 1) % int(m_threads.size());
    return thread;
}
int NetworkThreads::defaultCount()
{
    const int cores = QThread::idealThreadCount();
    return qBound(0, cores - 1, 8);
}

} // namespace roomrec
