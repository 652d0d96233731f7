#pragma once

#include "common/error.h"
#include "protocol/controlmessage.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <functional>

namespace roomrec {

// Requests waiting for their "result": each gets a fresh id, a handler and a deadline.
// Unanswered requests fail with ResponseTimeout; failAll() ends them on a lost connection.
class PendingRequests : public QObject {
    Q_OBJECT
public:
    using Handler = std::function<void(const ControlMessage &result)>;

    explicit PendingRequests(int timeoutMs, QObject *parent = nullptr);

    quint64 add(Handler handler);
    // Returns false if no request with the result's id is pending.
    bool resolve(const ControlMessage &result);
    void failAll(const Error &error);

private:
    void expire();

    struct Entry {
        Handler handler;
        qint64 deadlineMs;
    };
    int m_timeoutMs;
    quint64 m_nextId = 1;
    QHash<quint64, Entry> m_entries;
    QTimer m_timer{this};
    QElapsedTimer m_clock;
};

} // namespace roomrec
