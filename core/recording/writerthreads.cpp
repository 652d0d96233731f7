#include "recording/writerthreads.h"

#include "common/logging.h"

#include <QCoreApplication>
#include <QDeadlineTimer>

namespace roomrec {

WriterThreads::WriterThreads(int count)
{
    for (int i = 0; i < qMax(1, count); ++i) {
        auto thread = std::make_unique<QThread>();
        thread->setObjectName(QStringLiteral("roomrec-writer-%1").arg(i));
        thread->start();
        m_threads.push_back(std::move(thread));
    }
}

WriterThreads::~WriterThreads()
{
    for (auto &thread : m_threads) {
        thread->quit();
        thread->wait();
    }
}

int WriterThreads::defaultCount()
{
    // Writing is mostly waiting for the disk; two threads keep one slow file from holding
    // up the others without a thread per stream.
    return qBound(2, QThread::idealThreadCount(), 4);
}

QThread *WriterThreads::next()
{
    QThread *thread = m_threads[m_next].get();
    m_next = (m_next + 1) % m_threads.size();
    return thread;
}

void WriterThreads::fileCompleted(quint64 fileId)
{
    m_closing.remove(fileId);
    QList<std::function<void()>> ready;
    for (auto it = m_waiters.begin(); it != m_waiters.end();) {
        it->fileIds.remove(fileId);
        if (it->fileIds.isEmpty()) {
            ready << std::move(it->done);
            it = m_waiters.erase(it);
        } else {
            ++it;
        }
    }
    for (const auto &done : ready)
        done();
}

void WriterThreads::whenCompleted(const QList<quint64> &fileIds, std::function<void()> done)
{
    QSet<quint64> pending;
    for (quint64 id : fileIds) {
        if (m_closing.contains(id))
            pending.insert(id);
    }
    if (pending.isEmpty()) {
        done();
        return;
    }
    m_waiters << Waiter{pending, std::move(done)};
}

bool WriterThreads::waitUntilIdle(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!m_closing.isEmpty() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    if (!m_closing.isEmpty())
        qCWarning(lcRecording) << m_closing.size() << "file(s) still being finished after" << timeoutMs << "ms";
    return m_closing.isEmpty();
}

} // namespace roomrec
