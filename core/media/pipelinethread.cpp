#include "media/pipelinethread.h"

namespace roomrec {

PipelineThread::PipelineThread(std::unique_ptr<PublishPipeline> pipeline) : m_pipeline(std::move(pipeline))
{
    m_thread.setObjectName(QStringLiteral("roomrec-publish"));
}

PipelineThread::~PipelineThread()
{
    stop();
    // Delete the pipeline in the thread that owns it now (this one, after stop()).
    m_pipeline.reset();
}

void PipelineThread::start()
{
    if (m_thread.isRunning())
        return;
    m_pipeline->moveToThread(&m_thread);
    m_thread.start();
    QMetaObject::invokeMethod(m_pipeline.get(), &PublishPipeline::start, Qt::QueuedConnection);
}

void PipelineThread::stop()
{
    if (!m_thread.isRunning())
        return;
    QMetaObject::invokeMethod(m_pipeline.get(), &PublishPipeline::stop, Qt::BlockingQueuedConnection);
    // Bring the pipeline back so it can be restarted or destroyed from this thread.
    QMetaObject::invokeMethod(m_pipeline.get(), [this, target = QThread::currentThread()] {
        m_pipeline->moveToThread(target);
    }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

} // namespace roomrec
