#pragma once

#include "library/catalogworker.h"
#include "server/roomserver.h"

// Test support: a running server's catalogue as the test sees it. Each call runs on the
// catalogue's own thread (CatalogWorker::call) and waits for it, after everything the server
// queued before; the server's network thread is the test's, so this is for the test's own
// checks and set-up only, never from inside a server callback.
class CatalogProbe {
public:
    explicit CatalogProbe(roomrec::CatalogWorker &worker) : m_worker(worker) {}

    roomrec::Result<roomrec::FileRecord> file(quint64 id);
    roomrec::Result<QList<roomrec::FileRecord>> files(const roomrec::FileFilter &filter);
    roomrec::Status insert(const roomrec::FileRecord &record);
    roomrec::Status update(const roomrec::FileRecord &record);

private:
    roomrec::CatalogWorker &m_worker;
};

inline CatalogProbe catalogOf(roomrec::RoomServer &server)
{
    return CatalogProbe(server.catalog());
}
