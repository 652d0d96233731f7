#pragma once

#include "storage/s3config.h"
#include "storage/s3request.h"

#include <QObject>
#include <QPointer>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace roomrec {

// Talks to an S3-compatible object store with libcurl, signing every request with curl's
// own AWS SigV4 (CURLOPT_AWS_SIGV4). All curl calls, and all reading of file parts, run on
// one worker thread of this object's own, one request at a time with a blocking easy handle:
// the callers (the network thread) only queue requests and get their answers back as queued
// calls on their own thread. One transfer at a time is plenty for uploads that trail
// recordings made at a few Mbit/s, keeps the memory bound at one part, and makes the order
// of an upload's requests trivial; see docs/scaling.md for why not curl multi.
//
// The queue is bounded: submit() refuses beyond `capacity` waiting requests, and the caller
// (ObjectUploader) only ever has a few in flight.
class S3Client {
public:
    using Callback = std::function<void(const S3Response &)>;

    explicit S3Client(const S3Config &config, int capacity = 64);
    ~S3Client(); // aborts the running transfer, drops the queue, joins the worker
    S3Client(const S3Client &) = delete;
    S3Client &operator=(const S3Client &) = delete;

    const S3Config &config() const { return m_config; }
    // `done` runs on `context`'s thread, unless `context` is gone by then. False: queue full.
    bool submit(S3Request request, QObject *context, Callback done);
    int queued() const;

private:
    struct Job {
        S3Request request;
        QPointer<QObject> context;
        Callback done;
    };
    void run();
    S3Response perform(const S3Request &request);
    S3Response removeFiles(const S3Request &request);

    const S3Config m_config;
    const int m_capacity;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Job> m_jobs;
    bool m_stopping = false;
    std::atomic_bool m_abort{false}; // read by curl's progress callback
    std::thread m_worker;
};

} // namespace roomrec
