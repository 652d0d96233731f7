#pragma once

#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

// Test support: a real PostgreSQL server of the test's own, from Debian's postgresql package:
// initdb and pg_ctl in a temporary folder, listening only on a Unix socket in that folder
// (no TCP port to collide with parallel tests), stopped and removed when this object goes.
// initdb refuses to run as root, so as root (CI containers) the server's programs run as the
// unprivileged 'postgres' user the package creates (runuser), owning the temporary folder.
class PostgresServer {
public:
    PostgresServer() = default;
    ~PostgresServer();
    PostgresServer(const PostgresServer &) = delete;
    PostgresServer &operator=(const PostgresServer &) = delete;

    // Why no server can be started here (programs or the postgres user missing: scripts/deps.sh
    // installs them); empty if one can.
    static QString unavailableReason();

    // initdb, then start and wait until it accepts connections. `settings` are extra
    // postgresql.conf lines ("name = value"). Test defaults trade durability for speed
    // (fsync off) unless `durable`.
    bool start(const QStringList &settings = {}, bool durable = false);
    void stop(); // resumes a paused server first
    bool isRunning() const { return m_running; }
    // Freezes the whole server, the postmaster and every backend process, with SIGSTOP: a
    // database host that stops answering while its connections stay open (a query then just
    // waits). resume() lets it go on (SIGCONT). False with errorString() if it cannot.
    bool pause();
    bool resume();
    bool isPaused() const { return !m_paused.isEmpty(); }
    QString errorString() const { return m_error; }

    // A new empty database owned by the superuser 'roomrec'; its catalogue URL, or empty.
    QString createDatabase(const QString &name);
    QString url(const QString &database) const;
    QString socketDirectory() const { return m_dir ? m_dir->path() : QString(); }
    // Runs one SQL command with psql on `database` (test set-up); false with errorString().
    bool psql(const QString &database, const QString &sql);

private:
    static QString binDir();
    bool run(const QString &program, const QStringList &arguments, int timeoutMs = 120'000);

    QList<qint64> serverProcesses() const; // the postmaster first, then its children

    std::unique_ptr<QTemporaryDir> m_dir;
    QList<qint64> m_paused;
    bool m_running = false;
    QString m_error;
};
