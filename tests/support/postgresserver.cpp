#include "postgresserver.h"

#include <QDir>
#include <QFileInfo>
#include <QFile>
#include <QStandardPaths>
#include <QVersionNumber>

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

namespace {
const char *kSuperuser = "roomrec";
const int kPort = 5432; // only names the socket file, in a folder of our own

bool runningAsRoot()
{
    return ::geteuid() == 0;
}

const passwd *postgresUser()
{
    return ::getpwnam("postgres");
}
} // namespace

PostgresServer::~PostgresServer()
{
    stop();
}

QString PostgresServer::binDir()
{
    const QByteArray fromEnv = qgetenv("ROOMREC_PG_BINDIR");
    if (!fromEnv.isEmpty())
        return QString::fromLocal8Bit(fromEnv);
    // Debian keeps each major version's server programs apart; the newest wins.
    QString best;
    QVersionNumber bestVersion;
    const QDir versions(QStringLiteral("/usr/lib/postgresql"));
    for (const QString &v : versions.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QVersionNumber version = QVersionNumber::fromString(v);
        const QString dir = versions.filePath(v + QStringLiteral("/bin"));
        if (QFile::exists(dir + QStringLiteral("/initdb")) && version > bestVersion) {
            best = dir;
            bestVersion = version;
        }
    }
    if (!best.isEmpty())
        return best;
    const QString initdb = QStandardPaths::findExecutable(QStringLiteral("initdb"));
    return initdb.isEmpty() ? QString() : QFileInfo(initdb).canonicalPath();
}

QString PostgresServer::unavailableReason()
{
    const QString bin = binDir();
    if (bin.isEmpty())
        return QStringLiteral("PostgreSQL server programs (initdb, pg_ctl) not found: install Debian's "
                              "'postgresql' package (scripts/deps.sh does) or set ROOMREC_PG_BINDIR");
    for (const char *program : {"initdb", "pg_ctl", "postgres", "createdb", "psql"}) {
        if (!QFile::exists(bin + QLatin1Char('/') + QLatin1String(program)))
            return QStringLiteral("%1 missing from %2").arg(QLatin1String(program), bin);
    }
    if (runningAsRoot()) {
        if (!postgresUser())
            return QStringLiteral("running as root and there is no 'postgres' user to run the server as");
        if (QStandardPaths::findExecutable(QStringLiteral("runuser")).isEmpty())
            return QStringLiteral("running as root and runuser (util-linux) is missing");
    }
    return {};
}

bool PostgresServer::run(const QString &program, const QStringList &arguments, int timeoutMs)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    const QString path = binDir() + QLatin1Char('/') + program;
    if (runningAsRoot())
        p.start(QStringLiteral("runuser"), QStringList{QStringLiteral("-u"), QStringLiteral("postgres"), QStringLiteral("--"), path} + arguments);
    else
        p.start(path, arguments);
    if (!p.waitForFinished(timeoutMs) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        if (p.state() != QProcess::NotRunning) {
            p.kill();
            p.waitForFinished();
        }
        m_error = QStringLiteral("%1 failed: %2 %3").arg(program, p.errorString(), QString::fromLocal8Bit(p.readAll()));
        return false;
    }
    return true;
}

bool PostgresServer::start(const QStringList &settings, bool durable)
{
    m_error = unavailableReason();
    if (!m_error.isEmpty())
        return false;
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/roomrec-pg-XXXXXX"));
    if (!m_dir->isValid()) {
        m_error = QStringLiteral("no temporary folder: ") + m_dir->errorString();
        return false;
    }
    if (runningAsRoot()) {
        const passwd *pw = postgresUser();
        if (::chown(QFile::encodeName(m_dir->path()).constData(), pw->pw_uid, pw->pw_gid) != 0) {
            m_error = QStringLiteral("cannot hand %1 to the postgres user").arg(m_dir->path());
            return false;
        }
    }
    const QString data = m_dir->filePath(QStringLiteral("data"));
    if (!run(QStringLiteral("initdb"), {QStringLiteral("-D"), data, QStringLiteral("-U"), QLatin1String(kSuperuser),
                                        QStringLiteral("-A"), QStringLiteral("trust"), QStringLiteral("-E"), QStringLiteral("UTF8"),
                                        QStringLiteral("--locale=C"), QStringLiteral("--no-sync")}))
        return false;
    QStringList conf = {
        QStringLiteral("listen_addresses = ''"),
        QStringLiteral("unix_socket_directories = '%1'").arg(m_dir->path()),
        QStringLiteral("port = %1").arg(kPort),
        QStringLiteral("max_connections = 50"),
    };
    if (!durable)
        conf << QStringLiteral("fsync = off") << QStringLiteral("synchronous_commit = off") << QStringLiteral("full_page_writes = off");
    conf << settings;
    QFile file(data + QStringLiteral("/postgresql.conf"));
    if (!file.open(QIODevice::Append | QIODevice::Text)) {
        m_error = file.errorString();
        return false;
    }
    file.write(QStringLiteral("\n# RoomRec test server\n%1\n").arg(conf.join(QLatin1Char('\n'))).toUtf8());
    file.close();
    if (!run(QStringLiteral("pg_ctl"), {QStringLiteral("-D"), data, QStringLiteral("-l"), m_dir->filePath(QStringLiteral("server.log")),
                                        QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("120"), QStringLiteral("start")})) {
        QFile log(m_dir->filePath(QStringLiteral("server.log")));
        if (log.open(QIODevice::ReadOnly))
            m_error += QStringLiteral("\nserver log:\n") + QString::fromLocal8Bit(log.readAll().right(4000));
        return false;
    }
    m_running = true;
    return true;
}

QList<qint64> PostgresServer::serverProcesses() const
{
    QFile pidFile(m_dir->filePath(QStringLiteral("data/postmaster.pid")));
    if (!pidFile.open(QIODevice::ReadOnly))
        return {};
    const qint64 postmaster = pidFile.readLine().trimmed().toLongLong();
    if (postmaster <= 0)
        return {};
    QList<qint64> pids{postmaster};
    const QDir proc(QStringLiteral("/proc"));
    for (const QString &entry : proc.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        if (!ok)
            continue;
        QFile stat(proc.filePath(entry + QStringLiteral("/stat")));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so after the last ')'.
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 1 && fields.at(1).toLongLong() == postmaster)
            pids << pid;
    }
    return pids;
}

bool PostgresServer::pause()
{
    if (!m_running || isPaused()) {
        m_error = QStringLiteral("not running, or paused already");
        return false;
    }
    m_paused = serverProcesses();
    if (m_paused.isEmpty()) {
        m_error = QStringLiteral("no postmaster.pid");
        return false;
    }
    for (qint64 pid : std::as_const(m_paused)) // the postmaster first: it forks no new backend then
        ::kill(pid_t(pid), SIGSTOP);
    return true;
}

bool PostgresServer::resume()
{
    if (!isPaused()) {
        m_error = QStringLiteral("not paused");
        return false;
    }
    for (qint64 pid : std::as_const(m_paused))
        ::kill(pid_t(pid), SIGCONT);
    m_paused.clear();
    return true;
}

void PostgresServer::stop()
{
    if (isPaused())
        resume();
    if (m_running) {
        run(QStringLiteral("pg_ctl"), {QStringLiteral("-D"), m_dir->filePath(QStringLiteral("data")), QStringLiteral("-m"),
                                       QStringLiteral("fast"), QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("120"),
                                       QStringLiteral("stop")});
        m_running = false;
    }
    m_dir.reset();
}

QString PostgresServer::url(const QString &database) const
{
    return QStringLiteral("postgresql://%1@localhost:%2/%3?host=%4").arg(QLatin1String(kSuperuser)).arg(kPort).arg(database, socketDirectory());
}

QString PostgresServer::createDatabase(const QString &name)
{
    if (!m_running) {
        m_error = QStringLiteral("the server is not running");
        return {};
    }
    if (!run(QStringLiteral("createdb"), {QStringLiteral("-h"), socketDirectory(), QStringLiteral("-p"), QString::number(kPort),
                                          QStringLiteral("-U"), QLatin1String(kSuperuser), name}))
        return {};
    return url(name);
}

bool PostgresServer::psql(const QString &database, const QString &sql)
{
    return run(QStringLiteral("psql"), {QStringLiteral("-h"), socketDirectory(), QStringLiteral("-p"), QString::number(kPort),
                                        QStringLiteral("-U"), QLatin1String(kSuperuser), QStringLiteral("-d"), database,
                                        QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"), QStringLiteral("-c"), sql});
}
