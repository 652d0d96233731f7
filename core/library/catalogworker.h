#pragma once

#include "common/result.h"
#include "library/catalog.h"
#include "library/catalogurl.h"

#include <QMutex>
#include <QObject>
#include <QPointer>
#include <QSemaphore>
#include <QThread>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>

namespace roomrec {

// The catalogue on a thread of its own, so the server's network thread never waits for the
// database: with PostgreSQL every call is a round trip, and a database that is gone costs a
// reconnect of up to ~10 s. One thread, because a Qt SQL connection belongs to the thread
// that opened it, and because one FIFO queue keeps every file's writes in the order they were
// made (insert before its updates) with no bookkeeping; the work per call is small next to
// the database's own latency, which more threads on one connection would not hide.
//
// Jobs are functions of the Catalog run on that thread; their results come back to the
// thread this object lives in (the callers' thread: submit from there only) as queued calls,
// handed to `done` only if the context object still exists (a session may have gone). Two kinds:
//   request(): answers for someone (protocol and HTTP requests). Bounded: beyond
//     maxQueuedRequests waiting, a new one is answered at once with CatalogueBusy, so a
//     stalled database costs a coded error, not memory without end.
//   write(): the recording's own rows (a segment's insert and its final state, the finalizer's
//     size, post-processing progress, webhook events). Never refused: losing one would lose
//     a recording's catalogue entry. Their number is bounded by the files being recorded and
//     finished, not by what clients ask.
// call() waits for its job: for start-up before the server listens, shutdown, and tests;
// never on a network thread of a running server.
class CatalogWorker : public QObject {
    Q_OBJECT
public:
    static constexpr int kDefaultMaxQueuedRequests = 256;

    explicit CatalogWorker(int maxQueuedRequests = kDefaultMaxQueuedRequests, QObject *parent = nullptr);
    // Runs what is queued, then closes the catalogue; waits kCloseTimeoutMs at most (drain()
    // first for the wait that handles results): past that, with the database not answering,
    // what is left is given up and the thread left behind, so shutdown always ends. Rows
    // given up are rebuilt from the files at the next start.
    ~CatalogWorker() override;
    static constexpr int kCloseTimeoutMs = 10'000;

    // Opens the catalogue on the worker thread and waits for it (start-up).
    Status open(const CatalogUrl &url, quint32 nodeId);

    template <typename Job>
    auto call(Job &&job) -> std::invoke_result_t<Job, Catalog &>
    {
        using R = std::invoke_result_t<Job, Catalog &>;
        Q_ASSERT(QThread::currentThread() != m_thread);
        std::optional<R> out;
        QSemaphore done;
        post([&, core = m_core] {
            out.emplace(core->catalog && !core->abandoned ? job(*core->catalog) : R(notOpen()));
            done.release();
        });
        done.acquire();
        return std::move(*out);
    }

    // `done` runs later on this object's thread with the job's result (or CatalogueBusy,
    // the job not run), if `context` still exists then; never inside this call.
    template <typename R>
    void request(QObject *context, std::function<R(Catalog &)> job, std::function<void(R)> done)
    {
        if (m_core->queuedRequests.load() >= m_maxQueuedRequests) {
            ++m_refused;
            QMetaObject::invokeMethod(
                this, [target = QPointer<QObject>(context), done = std::move(done), busy = busyError()] {
                    if (target)
                        done(R(busy));
                },
                Qt::QueuedConnection);
            return;
        }
        ++m_core->queuedRequests;
        enqueue<R>(context, std::move(job), std::move(done), &Core::queuedRequests);
    }

    // `done` (optional) runs later on this object's thread with the write's result, if
    // `context` still exists then.
    template <typename R>
    void write(std::function<R(Catalog &)> job, QObject *context = nullptr, std::function<void(R)> done = {})
    {
        ++m_core->queuedWrites;
        enqueue<R>(context, std::move(job), std::move(done), &Core::queuedWrites);
    }
    void write(std::function<Status(Catalog &)> job) { write<Status>(std::move(job)); }

    // Jobs waiting or running.
    int queued() const { return m_core->queuedRequests.load() + m_core->queuedWrites.load(); }
    int queuedRequests() const { return m_core->queuedRequests.load(); }
    int maxQueuedRequests() const { return m_maxQueuedRequests; }
    qint64 refused() const { return m_refused.load(); }
    // Runs this thread's events (so results, and the writes they lead to, are handled) until
    // no job is left or timeoutMs passed (shutdown, tests); returns whether none is left.
    bool drain(int timeoutMs = 30'000);

private:
    // What the jobs use, shared with them: if the database holds a job past the destructor's
    // bound, the thread is left behind with it and must not touch this object any more.
    struct Core {
        std::unique_ptr<Catalog> catalog; // created here, opened, used and destroyed on the thread
        std::atomic_int queuedRequests{0};
        std::atomic_int queuedWrites{0};
        std::atomic_bool abandoned{false}; // the rest is skipped (rebuilt at the next start)
        QMutex ownerMutex;
        CatalogWorker *owner = nullptr; // where results go; null once it is being destroyed
    };
    using Counter = std::atomic_int Core::*;

    Error busyError() const;
    void post(std::function<void()> work);

    // Results come back through this object (it lives in the callers' thread), where the
    // context's QPointer can be checked safely; in FIFO order, like the jobs.
    template <typename R>
    void enqueue(QObject *context, std::function<R(Catalog &)> job, std::function<void(R)> done, Counter counter)
    {
        const bool answer = context && done;
        post([core = m_core, job = std::move(job), done = std::move(done), target = QPointer<QObject>(context), answer, counter] {
            R result = core->catalog && !core->abandoned ? job(*core->catalog) : R(notOpen());
            --((*core).*counter);
            if (!answer)
                return;
            QMutexLocker lock(&core->ownerMutex);
            if (core->owner)
                QMetaObject::invokeMethod(
                    core->owner, [done, target, result = std::move(result)] {
                        if (target)
                            done(result);
                    },
                    Qt::QueuedConnection);
        });
    }
    static Error notOpen();

    const int m_maxQueuedRequests;
    std::shared_ptr<Core> m_core;
    QThread *m_thread;             // deleted with this object, or left behind (see Core)
    QObject *m_executor = nullptr; // lives in m_thread; jobs run as its queued calls
    std::atomic<qint64> m_refused{0};
};

} // namespace roomrec
