#include "embeddedserverhost.h"

#include "server/roomserver.h"

#include <QRandomGenerator>
#include <QThread>
#include <QTimer>

namespace roomrec {

EmbeddedServerHost::EmbeddedServerHost(QObject *parent) : QObject(parent) {}

EmbeddedServerHost::~EmbeddedServerHost()
{
    if (!m_thread)
        return;
    // Whatever state it is in (even still starting): shut down what exists, then join.
    // m_context lives until here, so posting to it is safe even if the thread has ended.
    QMetaObject::invokeMethod(m_context, [this] { shutDownInThread(); }, Qt::QueuedConnection);
    m_thread->wait();
    delete m_context;
    delete m_thread;
}

void EmbeddedServerHost::shutDownInThread()
{
    if (m_server) {
        m_server->shutdown(); // finishes every recording; its writers end here, off the GUI
        delete m_server;
        m_server = nullptr;
    }
    QThread::currentThread()->quit();
}

void EmbeddedServerHost::start(ServerConfig config)
{
    if (m_state == State::Stopping) {
        // Not until the last run has ended: then there is one server at a time.
        connect(this, &EmbeddedServerHost::stopped, this, [this, config] { start(config); },
                Qt::SingleShotConnection);
        return;
    }
    if (m_state != State::Stopped)
        return;
    config.address = QHostAddress::LocalHost;
    config.httpPort = 0; // any free port: several apps may host on one computer
    // Any web page in the user's browser can reach loopback: the HTTP API asks for a token
    // only this run of the app knows (and checks Host/Origin besides).
    QByteArray token(24, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(token.data()), token.size() / 4);
    config.httpAccessToken = token.toHex();
    m_httpAccessToken = config.httpAccessToken;
    m_dataDir = config.dataDir;
    m_state = State::Starting;
    m_stopWhenStarted = false;
    m_startError = Error{};
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("roomrec-embedded-server"));
    m_context = new QObject;
    m_context->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, this, &EmbeddedServerHost::onThreadFinished, Qt::QueuedConnection);
    m_thread->start();
    // Build the server inside its thread so its sockets and timers belong there; opening
    // the catalogue and recovering files after a crash happen there too.
    QMetaObject::invokeMethod(m_context, [this, config] {
        auto *server = new RoomServer(config);
        const Status s = server->start();
        if (!s) {
            delete server;
            const Error e = s.error();
            m_startError = e; // read after the thread ended (onThreadFinished)
            QThread::currentThread()->quit();
            return;
        }
        m_server = server;
        const quint16 port = server->port();
        QMetaObject::invokeMethod(this, [this, port] {
            if (m_state != State::Starting)
                return;
            m_state = State::Running;
            m_port = port;
            emit started(port);
            if (m_stopWhenStarted)
                stop();
        }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
}

void EmbeddedServerHost::stop()
{
    if (m_state == State::Starting) {
        m_stopWhenStarted = true; // the server is being built: stop it once it is
        return;
    }
    if (m_state != State::Running)
        return;
    m_state = State::Stopping;
    QMetaObject::invokeMethod(m_context, [this] { shutDownInThread(); }, Qt::QueuedConnection);
}

void EmbeddedServerHost::onThreadFinished()
{
    // finished() comes just before the thread really ends: deleting the QThread now would
    // wait for it, so look again in a moment instead.
    if (!m_thread->isFinished()) {
        QTimer::singleShot(1, this, &EmbeddedServerHost::onThreadFinished);
        return;
    }
    delete m_context; // its thread has ended: nothing runs in it any more
    m_context = nullptr;
    delete m_thread;
    m_thread = nullptr;
    m_port = 0;
    const State was = m_state;
    m_state = State::Stopped;
    if (was == State::Starting) {
        const Error e = m_startError.code ? m_startError : Error{1, QStringLiteral("embedded server did not start")};
        emit startFailed(e.code, e.message);
        return;
    }
    emit stopped();
}

} // namespace roomrec
