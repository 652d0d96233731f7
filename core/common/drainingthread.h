#pragma once

#include <QThread>

namespace roomrec {

// A worker thread that outlives the object that started it, so that object's owner (often
// the GUI thread) never waits for it: the worker quits the thread once it has drained, and
// the thread deletes itself when finished. release() hands it to the application object
// while it finishes: should the application end first, its destruction (after the event
// loop, with no window left to freeze) waits for the drain, while it still delivers events
// to other threads (a post routine), instead of destroying a running thread.
class DrainingThread : public QThread {
    Q_OBJECT
public:
    explicit DrainingThread(const QString &name);
    ~DrainingThread() override;

    // From the owner's thread when the owner goes (after asking the worker to quit).
    void release();
};

} // namespace roomrec
