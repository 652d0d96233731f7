#include "reconnectoption.h"

#include "clioptions.h"

#include "protocol/errorcode.h"

#include <cstdio>

using namespace roomrec;

ReconnectOption::ReconnectOption(QCommandLineParser &parser)
    : m_parser(parser),
      m_option(QStringLiteral("reconnect-seconds"),
               QStringLiteral("On a lost connection, reconnect (with backoff) for up to S seconds, resending what was "
                              "captured meanwhile; 0: a lost connection ends the command (default %1).")
                   .arg(kDefaultSeconds),
               QStringLiteral("S"), QString::number(kDefaultSeconds))
{
    parser.addOption(m_option);
}

bool ReconnectOption::apply(RoomClient &client)
{
    bool ok = false;
    const double seconds = m_parser.value(m_option).toDouble(&ok);
    if (!ok || seconds < 0 || seconds > 24 * 3600) {
        printError(2, QStringLiteral("--reconnect-seconds must be 0 to 86400"));
        return false;
    }
    m_client = &client;
    if (seconds == 0)
        return true;
    ReconnectPolicy policy;
    policy.giveUpMs = int(seconds * 1000);
    client.setAutoReconnect(true, policy);
    connect(&client, &RoomClient::reconnecting, this, [this](int, const QString &message) {
        m_away = true;
        m_why = message;
        m_awayFor.start();
        m_resentBefore = m_client->packetsResent();
    });
    connect(&client, &RoomClient::reconnectAttempt, this, [this](int attempt) {
        // The first attempt says why the connection went; later ones follow refusals.
        std::fprintf(stderr, "connection lost, reconnecting (attempt %d)%s\n", attempt,
                     attempt == 1 ? qPrintable(QStringLiteral(": ") + m_why) : "");
    });
    connect(&client, &RoomClient::reconnected, this, [this](bool recordingResumed) {
        m_away = false;
        const qint64 awayMs = m_awayFor.elapsed();
        std::fprintf(stderr, "reconnected, resent %lld packets (away %.1f s)%s\n",
                     static_cast<long long>(m_client->packetsResent() - m_resentBefore), double(awayMs) / 1000.0,
                     recordingResumed ? ", the recording goes on in the same file" : "");
        emit reconnected(recordingResumed, awayMs);
    });
    return true;
}

int ReconnectOption::exitCodeFor(int code) const
{
    // While away, any error ends the reconnect (RoomClient gives up before it reports one).
    if (m_away || code == int(ErrorCode::ConnectionLost))
        return kExitConnectionLost;
    return 1;
}
