#include "library/catalogworker.h"

#include "common/logging.h"
#include "protocol/errorcode.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QTimer>

namespace roomrec {

CatalogWorker::CatalogWorker(int maxQueuedRequests, QObject *parent)
    : QObject(parent), m_maxQueuedRequests(qMax(1, maxQueuedRequests)), m_core(std::make_shared<Core>()),
      m_thread(new QThread)
{
    m_core->catalog = std::make_unique<Catalog>(); // no connection yet: that is opened on the thread
    m_core->owner = this;
    m_thread->setObjectName(QStringLiteral("catalogue"));
    m_executor = new QObject;
    m_executor->moveToThread(m_thread);
    m_thread->start();
}

CatalogWorker::~CatalogWorker()
{
    {
        QMutexLocker lock(&m_core->ownerMutex);
        m_core->owner = nullptr; // results posted from now on would reach a dead object
    }
    if (const int left = queued())
        qCInfo(lcLibrary) << "catalogue: finishing" << left << "queued job(s) before closing";
    // Last in the queue: everything queued runs first, then the connection closes on its own
    // thread and the thread ends.
    post([core = m_core] {
        core->catalog.reset();
        QThread::currentThread()->quit();
    });
    if (m_thread->wait(QDeadlineTimer(kCloseTimeoutMs))) {
        delete m_executor;
        delete m_thread;
        return;
    }
    m_core->abandoned = true;
    qCWarning(lcLibrary) << "catalogue: the database has not answered for" << kCloseTimeoutMs << "ms; giving up"
                         << queued() << "queued job(s) (their rows are rebuilt from the files at the next start)";
    // Left behind: it holds the core (and the executor) until its job returns, if ever.
}

Status CatalogWorker::open(const CatalogUrl &url, quint32 nodeId)
{
    return call([&](Catalog &catalog) { return catalog.open(url, nodeId); });
}

void CatalogWorker::post(std::function<void()> work)
{
    QMetaObject::invokeMethod(m_executor, std::move(work), Qt::QueuedConnection);
}

Error CatalogWorker::busyError() const
{
    return makeError(ErrorCode::CatalogueBusy,
                     QStringLiteral("%1 catalogue requests are already waiting for the database").arg(m_maxQueuedRequests));
}

Error CatalogWorker::notOpen()
{
    return makeError(ErrorCode::CatalogueFailed, QStringLiteral("the catalogue is closed"));
}

bool CatalogWorker::drain(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    QEventLoop loop;
    QTimer tick;
    tick.setInterval(5);
    connect(&tick, &QTimer::timeout, &loop, [&] {
        if (queued() == 0 || deadline.hasExpired())
            loop.quit();
    });
    for (;;) {
        if (queued() > 0 && !deadline.hasExpired()) {
            tick.start();
            loop.exec();
            tick.stop();
        }
        // The results of the last jobs: they may queue further writes (a segment's final row
        // hands the file to the finalizer, whose result is another write).
        QCoreApplication::sendPostedEvents(this);
        if (queued() == 0 || deadline.hasExpired())
            break;
    }
    if (queued() > 0)
        qCWarning(lcLibrary) << "catalogue:" << queued() << "job(s) still queued after" << timeoutMs << "ms";
    return queued() == 0;
}

} // namespace roomrec
