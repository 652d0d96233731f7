#include "swiftserver.h"

#include "storage/s3client.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

namespace {
// Swift's servers are Python programs; Debian's interpreter, not one a user put first on PATH.
const char *kPython = "/usr/bin/python3";
const QStringList kServers{QStringLiteral("proxy"), QStringLiteral("account"), QStringLiteral("container"), QStringLiteral("object")};

// Starts one Swift server reading swift.conf from our folder instead of /etc/swift.
const char *kLauncher = R"(import sys
from swift.common import utils
utils.set_swift_dir(sys.argv[2])
from swift.common.wsgi import run_wsgi
sys.exit(run_wsgi(sys.argv[3], sys.argv[1], verbose=True))
)";

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

bool writeFile(const QString &path, const QByteArray &text)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(text) == text.size();
}
} // namespace

SwiftServer::~SwiftServer()
{
    stop();
}

QString SwiftServer::unavailableReason()
{
    for (const char *program : {"/usr/bin/swift-ring-builder", "/usr/bin/swift-proxy-server", "/usr/bin/swift-object-server",
                                "/usr/bin/swift-container-server", "/usr/bin/swift-account-server", kPython}) {
        if (!QFileInfo(QString::fromLatin1(program)).isExecutable())
            return QStringLiteral("%1 is missing (scripts/deps.sh installs Debian's swift packages)").arg(QLatin1String(program));
    }
    return {};
}

bool SwiftServer::createBucket(const QString &name)
{
    using namespace roomrec;
    // Through the S3 API with the test user's keys (tempauth's own tokens would need memcache).
    S3Config config;
    config.endpoint = QUrl(endpoint());
    config.region = region();
    config.accessKey = accessKey();
    config.secretKey = secretKey();
    config.bucket = name;
    config.connectTimeoutSeconds = 2;
    S3Client client(config);
    S3Request bucket;
    bucket.method = "PUT";
    std::optional<S3Response> answer;
    QObject context;
    if (!client.submit(std::move(bucket), &context, [&answer](const S3Response &r) { answer = r; })) {
        m_error = QStringLiteral("S3 client queue full");
        return false;
    }
    QDeadlineTimer deadline(60'000);
    while (!answer && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    if (!answer || !answer->ok()) {
        m_error = QStringLiteral("creating bucket %1: %2").arg(name, answer ? answer->describe() : QStringLiteral("no answer"));
        return false;
    }
    return true;
}

QString SwiftServer::endpoint() const
{
    return m_ports.isEmpty() ? QString() : QStringLiteral("http://127.0.0.1:%1").arg(m_ports.first());
}

bool SwiftServer::prepare()
{
    m_dir = std::make_unique<QTemporaryDir>();
    const QDir dir(m_dir->path());
    if (!dir.mkpath(QStringLiteral("node/d1")) || !dir.mkpath(QStringLiteral("etc"))) {
        m_error = QStringLiteral("cannot create %1").arg(dir.path());
        return false;
    }
    for (int i = 0; i < kServers.size(); ++i)
        m_ports << freePort();
    const QString etc = dir.filePath(QStringLiteral("etc"));
    bool ok = writeFile(etc + QStringLiteral("/swift.conf"),
                        "[swift-hash]\nswift_hash_path_suffix = roomrec-test\n"
                        "[storage-policy:0]\nname = Policy-0\ndefault = yes\n")
              && writeFile(dir.filePath(QStringLiteral("launch.py")), kLauncher);
    for (int i = 1; i < kServers.size() && ok; ++i) {
        const QString name = kServers.at(i);
        const QString builder = etc + QLatin1Char('/') + name + QStringLiteral(".builder");
        // 2^4 partitions, one replica, no wait between moves: one device holds everything.
        for (const QStringList &args : {QStringList{builder, QStringLiteral("create"), QStringLiteral("4"), QStringLiteral("1"), QStringLiteral("0")},
                                        QStringList{builder, QStringLiteral("add"),
                                                    QStringLiteral("r1z1-127.0.0.1:%1/d1").arg(m_ports.at(i)), QStringLiteral("1")},
                                        QStringList{builder, QStringLiteral("rebalance")}}) {
            QProcess p;
            p.setProcessChannelMode(QProcess::MergedChannels);
            p.start(QStringLiteral("/usr/bin/swift-ring-builder"), args);
            // rebalance exits 1 with a warning on a one-device ring; the ring file is what counts
            if (!p.waitForFinished(60'000) || (p.exitCode() > 1)) {
                m_error = QStringLiteral("swift-ring-builder %1: %2").arg(args.join(QLatin1Char(' ')), QString::fromUtf8(p.readAll()));
                return false;
            }
        }
        if (!QFile::exists(etc + QLatin1Char('/') + name + QStringLiteral(".ring.gz"))) {
            m_error = QStringLiteral("swift-ring-builder made no %1 ring").arg(name);
            return false;
        }
        const QByteArray conf = QStringLiteral("[DEFAULT]\nbind_ip = 127.0.0.1\nbind_port = %1\ndevices = %2\nmount_check = false\n"
                                               "swift_dir = %3\nuser = %4\nworkers = 0\nlog_name = %5\n"
                                               "[pipeline:main]\npipeline = %5-server\n[app:%5-server]\nuse = egg:swift#%5\n"
                                               "[%5-replicator]\n[%5-auditor]\n[%5-updater]\n")
                                    .arg(m_ports.at(i))
                                    .arg(dir.filePath(QStringLiteral("node")), etc, qEnvironmentVariable("USER", QStringLiteral("root")), name)
                                    .toUtf8();
        ok = writeFile(etc + QLatin1Char('/') + name + QStringLiteral("-server.conf"), conf);
    }
    // s3api needs slo for multipart uploads; memcache points nowhere (Swift then works
    // without a cache). min_segment_size stays S3's 5 MiB.
    const QByteArray proxy = QStringLiteral("[DEFAULT]\nbind_ip = 127.0.0.1\nbind_port = %1\nswift_dir = %2\nuser = %3\nworkers = 0\n"
                                            "[pipeline:main]\npipeline = catch_errors gatekeeper proxy-logging cache listing_formats "
                                            "s3api tempauth copy slo dlo proxy-logging proxy-server\n"
                                            "[app:proxy-server]\nuse = egg:swift#proxy\naccount_autocreate = true\n"
                                            "[filter:tempauth]\nuse = egg:swift#tempauth\nuser_test_tester = testing .admin\n"
                                            "[filter:s3api]\nuse = egg:swift#s3api\nlocation = us-east-1\n"
                                            "[filter:cache]\nuse = egg:swift#memcache\nmemcache_servers = 127.0.0.1:1\n")
                                 .arg(m_ports.first())
                                 .arg(etc, qEnvironmentVariable("USER", QStringLiteral("root")))
                                 .toUtf8();
    const QByteArray filters = "[filter:catch_errors]\nuse = egg:swift#catch_errors\n"
                               "[filter:gatekeeper]\nuse = egg:swift#gatekeeper\n"
                               "[filter:proxy-logging]\nuse = egg:swift#proxy_logging\n"
                               "[filter:listing_formats]\nuse = egg:swift#listing_formats\n"
                               "[filter:copy]\nuse = egg:swift#copy\n"
                               "[filter:slo]\nuse = egg:swift#slo\n"
                               "[filter:dlo]\nuse = egg:swift#dlo\n";
    ok = ok && writeFile(etc + QStringLiteral("/proxy-server.conf"), proxy + filters);
    if (!ok)
        m_error = QStringLiteral("cannot write Swift's configuration in %1").arg(etc);
    return ok;
}

bool SwiftServer::start()
{
    if (isRunning())
        return true;
    if (const QString why = unavailableReason(); !why.isEmpty()) {
        m_error = why;
        return false;
    }
    if (!m_dir && !prepare())
        return false;
    const QDir dir(m_dir->path());
    for (const QString &name : kServers) {
        auto *p = new QProcess;
        p->setStandardOutputFile(dir.filePath(name + QStringLiteral(".log")), QIODevice::Append);
        p->setStandardErrorFile(dir.filePath(name + QStringLiteral(".log")), QIODevice::Append);
        p->start(QString::fromLatin1(kPython), {dir.filePath(QStringLiteral("launch.py")), name + QStringLiteral("-server"),
                                                dir.filePath(QStringLiteral("etc")),
                                                dir.filePath(QStringLiteral("etc/%1-server.conf").arg(name))});
        m_processes << p;
    }
    // Python and Swift's imports take a few seconds on a busy machine.
    if (!waitUntilListening(90'000)) {
        m_error = QStringLiteral("Swift did not start listening: ") + logTail();
        stop();
        return false;
    }
    return true;
}

bool SwiftServer::waitUntilListening(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    for (quint16 port : std::as_const(m_ports)) {
        for (;;) {
            for (QProcess *p : std::as_const(m_processes)) {
                if (p->state() == QProcess::NotRunning)
                    return false;
            }
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, port);
            if (socket.waitForConnected(1000))
                break;
            if (deadline.hasExpired())
                return false;
            QThread::msleep(100); // polling a port that is not open yet; nothing to wait on
        }
    }
    return true;
}

void SwiftServer::stop()
{
    for (QProcess *p : std::as_const(m_processes)) {
        p->terminate();
        if (!p->waitForFinished(10'000)) {
            p->kill();
            p->waitForFinished(5'000);
        }
        delete p;
    }
    m_processes.clear();
}

QString SwiftServer::logTail() const
{
    QString out;
    if (!m_dir)
        return out;
    for (const QString &name : kServers) {
        QFile f(QDir(m_dir->path()).filePath(name + QStringLiteral(".log")));
        if (f.open(QIODevice::ReadOnly)) {
            const QByteArray all = f.readAll();
            out += QStringLiteral("\n[%1] ").arg(name) + QString::fromUtf8(all.right(1500));
        }
    }
    return out;
}
