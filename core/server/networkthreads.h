#pragma once

#include "common/drainingthread.h"

#include <QObject>
#include <QThread>

#include <vector>

namespace roomrec {

// The threads protocol connections are served on (SessionConnection), so reading, decoding
// and writing for many connections use every core while rooms and routing stay on the
// server's thread. Connections are dealt out in turn. With no threads, connections stay on
// the server's thread (the desktop app's embedded server, one-core machines).
class NetworkThreads {
public:
    // `count` threads (0: none), named roomrec-net-N.
    explicit NetworkThreads(int count);
    // Lets each thread finish what was queued to it before (closing, deleting connections),
    // then end and delete itself (DrainingThread): the caller never waits for it. Call once
    // every connection has been handed back for deletion.
    ~NetworkThreads();
    NetworkThreads(const NetworkThreads &) = delete;
    NetworkThreads &operator=(const NetworkThreads &) = delete;

    int count() const { return int(m_threads.size()); }
    // The thread for the next connection; null: the caller's own.
    QThread *next();

    // A sensible default for this machine: one per core beyond the first, up to 8 (the
    // first core is the server's thread and the disk writers'); none on a single core.
    static int defaultCount();

private:
    struct Worker {
        DrainingThread *thread;
        QObject *anchor; // lives on the thread: what runs there is queued to it
    };
    std::vector<Worker> m_threads;
    int m_next = 0;
};

} // namespace roomrec
