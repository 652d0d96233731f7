#pragma once

// A child process measured from outside: started with posix_spawn (stdin from /dev/null,
// stdout + stderr to a log file), its CPU and RSS read from /proc while it runs, and its
// whole-life CPU and peak RSS taken from wait4() when it exits, so work done while exiting
// (finishing files) counts too. Benchmarks only: nothing here is part of the product.
#include <QByteArray>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QList>
#include <QMap>
#include <QStringList>
#include <QThread>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

class ChildProcess {
public:
    ChildProcess() = default;
    ChildProcess(const ChildProcess &) = delete;
    ChildProcess &operator=(const ChildProcess &) = delete;
    ~ChildProcess()
    {
        if (m_pid > 0 && !m_exited) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, nullptr, 0);
        }
    }

    bool start(const QStringList &args, const QString &logPath)
    {
        QList<QByteArray> bytes;
        for (const QString &a : args)
            bytes.append(a.toLocal8Bit());
        QList<char *> argv;
        for (QByteArray &b : bytes)
            argv.append(b.data());
        argv.append(nullptr);
        const QByteArray log = logPath.toLocal8Bit();
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, log.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        const int rc = posix_spawn(&m_pid, argv.first(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        m_clock.start();
        if (rc != 0) {
            m_pid = -1;
            return false;
        }
        return true;
    }

    pid_t pid() const { return m_pid; }
    void setSampleMemory(bool on) { m_sampleMemory = on; }
    bool exited() const { return m_exited; }
    bool exitedCleanly() const { return m_exited && WIFEXITED(m_status) && WEXITSTATUS(m_status) == 0; }
    QString exitDescription() const
    {
        if (!m_exited)
            return QStringLiteral("still running");
        if (WIFSIGNALED(m_status))
            return QStringLiteral("killed by signal %1").arg(WTERMSIG(m_status));
        return QStringLiteral("exit code %1").arg(WEXITSTATUS(m_status));
    }
    qint64 wallMs() const { return m_wallMs; }

    // While running: user + system CPU seconds and the resident set, from /proc.
    // /proc/PID/stat counts CPU in clock ticks (10 ms), too coarse for one stream's few
    // hundred milliseconds: the threads alive now are read from their schedstat (nanoseconds
    // on the CPU, user + system), and only threads that already ended count in ticks (the
    // process's total minus its live threads' ticks).
    // CPU seconds of each live thread kind (user + system, from schedstat): threads named
    // "roomrec-writer-2" count as "roomrec-writer-*", the main thread under the process's name.
    QMap<QString, double> cpuSecondsByThread() const
    {
        QMap<QString, double> byKind;
        const QString tasks = QStringLiteral("/proc/%1/task").arg(m_pid);
        const QStringList threads = QDir(tasks).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        for (const QString &tid : threads) {
            QFile comm(tasks + QLatin1Char('/') + tid + QStringLiteral("/comm"));
            QFile schedstat(tasks + QLatin1Char('/') + tid + QStringLiteral("/schedstat"));
            if (!comm.open(QIODevice::ReadOnly) || !schedstat.open(QIODevice::ReadOnly))
                continue;
            QString kind = QString::fromUtf8(comm.readAll()).trimmed();
            // Numbered threads; the kernel keeps 15 characters of a name, so the number may be cut.
            if (kind.endsWith(QLatin1Char('-')))
                kind += QLatin1Char('*');
            else if (kind.contains(QLatin1Char('-')) && kind.section(QLatin1Char('-'), -1).toInt() > 0)
                kind = kind.section(QLatin1Char('-'), 0, -2) + QStringLiteral("-*");
            byKind[kind] += double(schedstat.readAll().split(' ').first().toLongLong()) / 1e9;
        }
        return byKind;
    }

    double cpuSecondsNow() const
    {
        const double processTicks = ticksOf(QStringLiteral("/proc/%1/stat").arg(m_pid));
        if (processTicks < 0)
            return -1;
        double liveTicks = 0;
        double liveSeconds = 0;
        const QString tasks = QStringLiteral("/proc/%1/task").arg(m_pid);
        const QStringList threads = QDir(tasks).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        for (const QString &tid : threads) {
            const double ticks = ticksOf(tasks + QLatin1Char('/') + tid + QStringLiteral("/stat"));
            QFile schedstat(tasks + QLatin1Char('/') + tid + QStringLiteral("/schedstat"));
            if (ticks < 0 || !schedstat.open(QIODevice::ReadOnly))
                continue; // ended while we looked: counted in the process's ticks
            liveTicks += ticks;
            liveSeconds += double(schedstat.readAll().split(' ').first().toLongLong()) / 1e9;
        }
        const double endedTicks = qMax(0.0, processTicks - liveTicks);
        return liveSeconds + endedTicks / double(sysconf(_SC_CLK_TCK));
    }
    qint64 statusKiB(const QByteArray &field) const
    {
        QFile status(QStringLiteral("/proc/%1/status").arg(m_pid));
        if (!status.open(QIODevice::ReadOnly))
            return -1;
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (line.startsWith(field + ':'))
                return line.mid(field.size() + 1).trimmed().split(' ').first().toLongLong();
        }
        return -1;
    }
    qint64 rssKiB() const { return statusKiB("VmRSS"); }

    void signal(int number) const
    {
        if (m_pid > 0 && !m_exited)
            ::kill(m_pid, number);
    }

    // Reaps the child if it has exited (wait4 with WNOHANG); true once it has. Samples the
    // peak resident set (VmHWM) first, at most every 50 ms: wait4's ru_maxrss cannot be used,
    // as exec() folds the spawning parent's peak into it.
    bool poll()
    {
        if (m_exited || m_pid <= 0)
            return m_exited;
        if (m_sampleMemory && (!m_sampled.isValid() || m_sampled.elapsed() >= 50)) {
            m_sampled.start();
            m_peakKiB = qMax(m_peakKiB, statusKiB("VmHWM"));
        }
        int status = 0;
        const pid_t r = ::wait4(m_pid, &status, WNOHANG, &m_usage);
        if (r == m_pid) {
            m_exited = true;
            m_status = status;
            m_wallMs = m_clock.elapsed();
        }
        return m_exited;
    }
    bool waitForExit(int timeoutMs)
    {
        QElapsedTimer t;
        t.start();
        while (!poll()) {
            if (t.elapsed() > timeoutMs)
                return false;
            QThread::msleep(20);
        }
        return true;
    }

    // After exit: the whole life's CPU (user + system, threads and reaped children included),
    // and the peak resident set (VmHWM, last sampled at most 50 ms before the exit).
    double cpuSeconds() const
    {
        return double(m_usage.ru_utime.tv_sec + m_usage.ru_stime.tv_sec)
            + double(m_usage.ru_utime.tv_usec + m_usage.ru_stime.tv_usec) / 1e6;
    }
    qint64 peakRssKiB() const { return m_peakKiB; }

private:
    // utime + stime of a /proc stat file, in clock ticks; -1 if it cannot be read.
    static double ticksOf(const QString &path)
    {
        QFile stat(path);
        if (!stat.open(QIODevice::ReadOnly))
            return -1;
        const QByteArray text = stat.readAll();
        // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
        const QList<QByteArray> f = text.mid(text.lastIndexOf(')') + 2).split(' ');
        if (f.size() < 13)
            return -1;
        return double(f[11].toLongLong() + f[12].toLongLong());
    }

    pid_t m_pid = -1;
    bool m_exited = false;
    int m_status = 0;
    rusage m_usage{};
    QElapsedTimer m_clock;
    QElapsedTimer m_sampled;
    qint64 m_wallMs = 0;
    qint64 m_peakKiB = 0;
    bool m_sampleMemory = true;
};
