#include "embeddedserverhost.h"

#include "server/roomserver.h"

#include <QRandomGenerator>

namespace roomrec {

EmbeddedServerHost::EmbeddedServerHost()
{
    m_thread.setObjectName(QStringLiteral("roomrec-embedded-server"));
    m_context.moveToThread(&m_thread);
}

EmbeddedServerHost::~EmbeddedServerHost()
{
    stop();
}

Result<quint16> EmbeddedServerHost::start(ServerConfig config)
{
    if (m_server)
        return Error{1, QStringLiteral("already hosting")};
    config.address = QHostAddress::LocalHost;
    config.httpPort = 0; // any free port: several apps may host on one computer
    // Any web page in the user's browser can reach loopback: the HTTP API asks for a token
    // only this run of the app knows (and checks Host/Origin besides).
    QByteArray token(24, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(token.data()), token.size() / 4);
    config.httpAccessToken = token.toHex();
    m_httpAccessToken = config.httpAccessToken;
    m_dataDir = config.dataDir;
    m_thread.start();
    std::optional<Result<quint16>> outcome;
    // Build the server inside its thread so its sockets and timers belong there.
    QMetaObject::invokeMethod(
        &m_context,
        [this, config, &outcome] {
            auto *server = new RoomServer(config);
            const Status started = server->start();
            if (!started) {
                delete server;
                outcome = Result<quint16>(started.error());
                return;
            }
            m_server = server;
            outcome = Result<quint16>(server->port());
        },
        Qt::BlockingQueuedConnection);
    if (!outcome || !outcome->ok()) {
        m_thread.quit();
        m_thread.wait();
    }
    return outcome ? *outcome : Result<quint16>(Error{1, QStringLiteral("embedded server did not start")});
}

void EmbeddedServerHost::stop()
{
    if (!m_thread.isRunning())
        return;
    if (m_server) {
        QMetaObject::invokeMethod(m_server, [this] {
            m_server->shutdown();
            delete m_server;
            m_server = nullptr;
        }, Qt::BlockingQueuedConnection);
    }
    m_thread.quit();
    m_thread.wait();
}

} // namespace roomrec
