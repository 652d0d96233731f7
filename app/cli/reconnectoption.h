#pragma once

#include "client/roomclient.h"

#include <QCommandLineParser>
#include <QElapsedTimer>

// --reconnect-seconds for the long-running commands (record, watch): turns on RoomClient's
// own auto-reconnect (the same machinery as the desktop app: backoff, rejoin, re-publish with
// resume, resend from the backlog) with that many seconds as the deadline, and says on
// stderr what happens: "connection lost, reconnecting (attempt n)", "reconnected, resent N
// packets", or that it gave up. Also decides the exit code of an error (kExitConnectionLost
// for a connection that was lost and not regained).
class ReconnectOption : public QObject {
    Q_OBJECT
public:
    // The server's default idle timeout: a recording away longer has ended anyway.
    static constexpr int kDefaultSeconds = 60;
    static constexpr int kExitConnectionLost = 3;

    explicit ReconnectOption(QCommandLineParser &parser);
    // Parses the option (false and a message on stderr if bad) and sets up the client.
    bool apply(roomrec::RoomClient &client);

    // The connection is down and being restored: errors of requests cut off by it are not the
    // end (the command carries on once reconnected).
    bool isAway() const { return m_away; }
    // 1 for an error, kExitConnectionLost when the connection was lost for good.
    int exitCodeFor(int code) const;

signals:
    // Back in the room: what was published is published again (recordingResumed: the
    // recording goes on in the same file).
    void reconnected(bool recordingResumed, qint64 awayMs);

private:
    QCommandLineParser &m_parser;
    QCommandLineOption m_option;
    roomrec::RoomClient *m_client = nullptr;
    bool m_away = false;
    QString m_why;
    qint64 m_resentBefore = 0;
    QElapsedTimer m_awayFor;
};
