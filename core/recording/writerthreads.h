#pragma once

#include <QSet>
#include <QThread>

#include <functional>

#include <memory>
#include <vector>

namespace roomrec {

// The threads that write recordings to disk (SegmentFileWriter), so the network thread never
// waits for a write, a sync or a trailer. A few threads serve every file (each file stays on
// one thread, so its writes keep their order). It also knows which closed files are still
// being finished, so a stop can answer once its files are complete, without waiting.
class WriterThreads {
public:
    explicit WriterThreads(int count = defaultCount());
    ~WriterThreads();
    WriterThreads(const WriterThreads &) = delete;
    WriterThreads &operator=(const WriterThreads &) = delete;

    static int defaultCount();
    QThread *next(); // round robin

    // Owner thread only: a closed file is being finished; it is complete.
    void fileClosing(quint64 fileId) { m_closing.insert(fileId); }
    void fileCompleted(quint64 fileId);
    int closing() const { return int(m_closing.size()); }
    // Runs `done` (owner thread) once none of these files is still being finished.
    void whenCompleted(const QList<quint64> &fileIds, std::function<void()> done);
    // Runs the owner thread's events until every closed file is complete (shutdown, tests),
    // at most timeoutMs; returns whether all were.
    bool waitUntilIdle(int timeoutMs = 60'000);

private:
    std::vector<std::unique_ptr<QThread>> m_threads;
    size_t m_next = 0;
    QSet<quint64> m_closing;
    struct Waiter {
        QSet<quint64> fileIds;
        std::function<void()> done;
    };
    QList<Waiter> m_waiters;
};

} // namespace roomrec
