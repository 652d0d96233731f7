#pragma once

#include "media/publishpipeline.h"

#include <QThread>

namespace roomrec {

// Runs a PublishPipeline in its own thread: start() moves it there and starts capture;
// the destructor stops capture (flushing the encoders) and joins the thread. stop() waits
// for the worker: for the CLI and tests, whose main thread has nothing else to do. A GUI
// uses StreamWorker, which never waits.
class PipelineThread {
public:
    explicit PipelineThread(std::unique_ptr<PublishPipeline> pipeline);
    ~PipelineThread();
    PipelineThread(const PipelineThread &) = delete;
    PipelineThread &operator=(const PipelineThread &) = delete;

    PublishPipeline *pipeline() const { return m_pipeline.get(); }
    void start();
    void stop(); // blocks until the pipeline has flushed and stopped

private:
    QThread m_thread;
    std::unique_ptr<PublishPipeline> m_pipeline;
};

} // namespace roomrec
