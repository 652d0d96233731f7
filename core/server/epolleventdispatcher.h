#pragma once

#include <QAbstractEventDispatcher>

#include <atomic>
#include <unordered_map>
#include <vector>

namespace roomrec {

// An event loop for the server's network threads built on Linux's epoll. Qt 6.4's own loop
// (QEventDispatcherUNIX) hands every registered socket to poll() at every wake-up, so a
// thread serving a few hundred connections paid for all of them each time one had data
// (a tenth of the server's CPU in bench_server at 100 streams); epoll reports only the
// ready ones. Everything else is what Qt's loop does: posted events first, then ready
// sockets, then due timers, and wakeUp()/interrupt() from any thread through an eventfd.
//
// Timers are kept to the microsecond and never fire early, whatever their Qt::TimerType (the
// network threads' timers are few: a connection's read-coalescing and closing timers), in a
// plain list, fired at most once per pass, never re-entered while their own event is handled.
// Only the network threads use it (NetworkThreads); Linux only.
class EpollEventDispatcher : public QAbstractEventDispatcher {
    Q_OBJECT
public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;   // any thread
    void interrupt() override; // any thread

private:
    struct Watch {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;
        quint32 events = 0; // what epoll has been told to report
    };
    struct Timer {
        int id;
        qint64 intervalMs;
        Qt::TimerType type;
        QObject *object;
        qint64 deadlineUs;
        bool firing = false;
    };

    static qint64 nowUs();
    void updateInterest(int fd);
    void activate(int fd, quint32 events);
    int waitMs() const; // until the next timer, -1 for none
    int activateTimers();
    std::vector<Timer>::iterator findTimer(int timerId);

    int m_epoll = -1;
    int m_wakeFd = -1;
    std::atomic<bool> m_wakePending{false};
    std::atomic<bool> m_interrupted{false};
    std::unordered_map<int, Watch> m_watches;
    std::vector<Timer> m_timers;
};

} // namespace roomrec
