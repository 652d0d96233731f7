#include "client/drainingthread.h"

#include <QCoreApplication>

namespace roomrec {

DrainingThread::DrainingThread(const QString &name)
{
    setObjectName(name);
    connect(this, &QThread::finished, this, &QObject::deleteLater);
}

DrainingThread::~DrainingThread()
{
    // Deleted by its own finished() (then it is done, or in its last moments after emitting
    // it), or by the application object being destroyed: wait for the worker's drain then.
    wait();
}

void DrainingThread::release()
{
    QCoreApplication *app = QCoreApplication::instance();
    if (app && app->thread() == thread())
        setParent(app);
}

} // namespace roomrec
