#include "server/epolleventdispatcher.h"

#include "common/logging.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimerEvent>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace roomrec {

namespace {
constexpr int kMaxEventsPerWait = 128;
} // namespace

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent), m_epoll(::epoll_create1(EPOLL_CLOEXEC)),
      m_wakeFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
    if (m_epoll < 0 || m_wakeFd < 0)
        qFatal("EpollEventDispatcher: epoll_create1/eventfd failed: %s", strerror(errno));
    epoll_event wake{};
    wake.events = EPOLLIN;
    wake.data.fd = m_wakeFd;
    if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &wake) != 0)
        qFatal("EpollEventDispatcher: epoll_ctl failed: %s", strerror(errno));
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    ::close(m_wakeFd);
    ::close(m_epoll);
}

qint64 EpollEventDispatcher::nowUs()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.store(false, std::memory_order_relaxed);
    emit awake();
    QCoreApplication::sendPostedEvents(); // this thread's, as Qt's own loop does first

    const bool canWait = (flags & QEventLoop::WaitForMoreEvents) && !m_interrupted.load(std::memory_order_relaxed);
    if (canWait)
        emit aboutToBlock();
    if (m_interrupted.load(std::memory_order_relaxed))
        return false;

    epoll_event events[kMaxEventsPerWait];
    int ready = ::epoll_wait(m_epoll, events, kMaxEventsPerWait, canWait ? waitMs() : 0);
    if (ready < 0) {
        if (errno != EINTR)
            qCWarning(lcServer) << "epoll_wait failed:" << strerror(errno);
        ready = 0;
    }
    int handled = 0;
    for (int i = 0; i < ready; ++i) {
        const int fd = events[i].data.fd;
        if (fd == m_wakeFd) {
            // Read, then cleared (never the other way round: the read takes every write at
            // once, so a wakeUp() between a clear and the read would leave the flag set on an
            // empty eventfd and every later wakeUp() would write nothing). A wakeUp() between
            // the read and the clear writes nothing, which is fine: its event was posted
            // before it, and the next pass sends posted events before it waits.
            quint64 count = 0;
            [[maybe_unused]] const ssize_t n = ::read(m_wakeFd, &count, sizeof count);
            m_wakePending.store(false, std::memory_order_release);
            continue;
        }
        if (!(flags & QEventLoop::ExcludeSocketNotifiers)) {
            activate(fd, events[i].events);
            ++handled;
        }
    }
    if (!(flags & QEventLoop::X11ExcludeTimers))
        handled += activateTimers();
    return handled > 0;
}

void EpollEventDispatcher::activate(int fd, quint32 events)
{
    // A notifier's handler may register or unregister any notifier, this fd's included (and
    // the map may rehash): look it up again before each one.
    auto notifier = [this, fd](QSocketNotifier *Watch::*which) -> QSocketNotifier * {
        const auto it = m_watches.find(fd);
        return it == m_watches.end() ? nullptr : it->second.*which;
    };
    const auto fire = [](QSocketNotifier *n) {
        QEvent event(QEvent::SockAct);
        QCoreApplication::sendEvent(n, &event);
    };
    // As Qt's loop: a hang-up or an error wakes every notifier of the socket (the reader
    // then sees the end or the error; a writer would otherwise wait for ever).
    bool handled = false;
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        if (QSocketNotifier *n = notifier(&Watch::read)) {
            fire(n);
            handled = true;
        }
    }
    if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) {
        if (QSocketNotifier *n = notifier(&Watch::write)) {
            fire(n);
            handled = true;
        }
    }
    if (events & (EPOLLPRI | EPOLLHUP | EPOLLERR)) {
        if (QSocketNotifier *n = notifier(&Watch::exception)) {
            fire(n);
            handled = true;
        }
    }
    if (!handled && (events & (EPOLLHUP | EPOLLERR))) {
        // epoll reports a hang-up whatever was asked, and keeps reporting it: with nobody to
        // tell (the socket's reader is paused), stop watching until a notifier is enabled
        // again, rather than spin.
        const auto it = m_watches.find(fd);
        if (it != m_watches.end() && it->second.events != 0) {
            ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
            it->second.events = 0;
        }
    }
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    Watch &watch = m_watches[fd];
    switch (notifier->type()) {
    case QSocketNotifier::Read: watch.read = notifier; break;
    case QSocketNotifier::Write: watch.write = notifier; break;
    case QSocketNotifier::Exception: watch.exception = notifier; break;
    }
    updateInterest(fd);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const auto it = m_watches.find(fd);
    if (it == m_watches.end())
        return;
    Watch &watch = it->second;
    for (QSocketNotifier **slot : {&watch.read, &watch.write, &watch.exception}) {
        if (*slot == notifier)
            *slot = nullptr;
    }
    updateInterest(fd);
}

void EpollEventDispatcher::updateInterest(int fd)
{
    const auto it = m_watches.find(fd);
    if (it == m_watches.end())
        return;
    Watch &watch = it->second;
    const quint32 wanted = (watch.read ? quint32(EPOLLIN) : 0u) | (watch.write ? quint32(EPOLLOUT) : 0u)
                           | (watch.exception ? quint32(EPOLLPRI) : 0u);
    if (wanted == 0) {
        // The socket may already be closed (epoll forgot it then): nothing to report.
        if (watch.events != 0)
            ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
        m_watches.erase(it);
        return;
    }
    if (wanted == watch.events)
        return;
    epoll_event event{};
    event.events = wanted;
    event.data.fd = fd;
    int result = ::epoll_ctl(m_epoll, watch.events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &event);
    // A descriptor closed and reused without its notifiers being removed first: epoll
    // dropped the old one with the close, so add the new one (or the other way round).
    if (result != 0 && errno == ENOENT)
        result = ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
    else if (result != 0 && errno == EEXIST)
        result = ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event);
    if (result != 0) {
        qCWarning(lcServer) << "epoll_ctl on socket" << fd << "failed:" << strerror(errno);
        return;
    }
    watch.events = wanted;
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    const qint64 intervalMs = qMax<qint64>(0, interval);
    m_timers.push_back(Timer{timerId, intervalMs, timerType, object, nowUs() + intervalMs * 1000});
}

std::vector<EpollEventDispatcher::Timer>::iterator EpollEventDispatcher::findTimer(int timerId)
{
    return std::find_if(m_timers.begin(), m_timers.end(), [timerId](const Timer &t) { return t.id == timerId; });
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    const auto it = findTimer(timerId);
    if (it == m_timers.end())
        return false;
    m_timers.erase(it);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    const auto before = m_timers.size();
    m_timers.erase(std::remove_if(m_timers.begin(), m_timers.end(), [object](const Timer &t) { return t.object == object; }),
                   m_timers.end());
    return m_timers.size() != before;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> out;
    for (const Timer &t : m_timers) {
        if (t.object == object)
            out.append(TimerInfo(t.id, int(t.intervalMs), t.type));
    }
    return out;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    const auto it = findTimer(timerId);
    if (it == m_timers.end())
        return -1;
    return int(qMax<qint64>(0, (it->deadlineUs - nowUs() + 999) / 1000));
}

int EpollEventDispatcher::waitMs() const
{
    qint64 waitUs = -1;
    const qint64 now = nowUs();
    for (const Timer &t : m_timers) {
        if (t.firing)
            continue;
        const qint64 left = qMax<qint64>(0, t.deadlineUs - now);
        if (waitUs < 0 || left < waitUs)
            waitUs = left;
    }
    if (waitUs < 0)
        return -1;
    // Rounded up: epoll counts milliseconds, and a timer must not fire early.
    return int(qMin<qint64>((waitUs + 999) / 1000, INT_MAX));
}

int EpollEventDispatcher::activateTimers()
{
    if (m_timers.empty())
        return 0;
    const qint64 now = nowUs();
    std::vector<int> due;
    for (const Timer &t : m_timers) {
        if (!t.firing && t.deadlineUs <= now)
            due.push_back(t.id);
    }
    int fired = 0;
    for (const int id : due) {
        // An earlier timer's handler may have stopped (or restarted) this one.
        auto it = findTimer(id);
        if (it == m_timers.end() || it->firing || it->deadlineUs > now)
            continue;
        // Next time from when it was due, or from now when the thread fell behind.
        it->deadlineUs += it->intervalMs * 1000;
        if (it->deadlineUs < now)
            it->deadlineUs = now + it->intervalMs * 1000;
        it->firing = true;
        QObject *object = it->object;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event);
        ++fired;
        it = findTimer(id); // the vector may have changed meanwhile
        if (it != m_timers.end())
            it->firing = false;
    }
    return fired;
}

void EpollEventDispatcher::wakeUp()
{
    if (m_wakePending.exchange(true, std::memory_order_acq_rel))
        return; // woken already, not yet awake
    const quint64 one = 1;
    [[maybe_unused]] const ssize_t n = ::write(m_wakeFd, &one, sizeof one);
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.store(true, std::memory_order_relaxed);
    wakeUp();
}

} // namespace roomrec
