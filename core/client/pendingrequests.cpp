#include "client/pendingrequests.h"

#include "protocol/errorcode.h"

namespace roomrec {

PendingRequests::PendingRequests(int timeoutMs, QObject *parent) : QObject(parent), m_timeoutMs(timeoutMs)
{
    m_clock.start();
    connect(&m_timer, &QTimer::timeout, this, &PendingRequests::expire);
}

quint64 PendingRequests::add(Handler handler)
{
    const quint64 id = m_nextId++;
    m_entries.insert(id, Entry{std::move(handler), m_clock.elapsed() + m_timeoutMs});
    if (!m_timer.isActive())
        m_timer.start(qBound(50, m_timeoutMs / 10, 500));
    return id;
}

bool PendingRequests::resolve(const ControlMessage &result)
{
    auto it = m_entries.find(result.id());
    if (it == m_entries.end())
        return false;
    Handler handler = std::move(it->handler);
    m_entries.erase(it);
    handler(result);
    return true;
}

void PendingRequests::failAll(const Error &error)
{
    const auto entries = std::exchange(m_entries, {});
    for (auto it = entries.begin(); it != entries.end(); ++it)
        it->handler(ControlMessage::failure(it.key(), error));
}

void PendingRequests::expire()
{
    const qint64 now = m_clock.elapsed();
    QList<quint64> expired;
    for (auto it = m_entries.begin(); it != m_entries.end(); ++it) {
        if (it->deadlineMs <= now)
            expired << it.key();
    }
    for (quint64 id : expired)
        resolve(ControlMessage::failure(id, makeError(ErrorCode::ResponseTimeout)));
    if (m_entries.isEmpty())
        m_timer.stop();
}

} // namespace roomrec
