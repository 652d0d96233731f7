#pragma once

#include <QList>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>

// Test support: a real S3-compatible object store of the test's own: OpenStack Swift from
// Debian's packages (swift, swift-proxy, swift-object, swift-container, swift-account),
// all in one on loopback, one replica, its rings built with swift-ring-builder and its data
// in a temporary folder (which needs extended attributes: ext4, xfs and tmpfs have them).
// The proxy runs tempauth + s3api, so S3 clients sign in with access key "test:tester"
// and secret "testing". Its own swift.conf is read from the folder, /etc/swift is not used.
// stop() and start() again keep the folder and ports: the data survives, as with a real
// server that restarts.
class SwiftServer {
public:
    SwiftServer() = default;
    ~SwiftServer();
    SwiftServer(const SwiftServer &) = delete;
    SwiftServer &operator=(const SwiftServer &) = delete;

    // Why no server can run here (packages missing: scripts/deps.sh installs them); empty if one can.
    static QString unavailableReason();

    bool start();
    void stop();
    bool isRunning() const { return !m_processes.isEmpty(); }
    QString errorString() const { return m_error; }
    // The tail of the servers' logs (for failure messages).
    QString logTail() const;

    QString endpoint() const; // http://127.0.0.1:PORT
    // Creates a bucket with the test user's keys, waiting for the answer (test set-up only);
    // false with errorString() if not.
    bool createBucket(const QString &name);
    static QString accessKey() { return QStringLiteral("test:tester"); }
    static QString secretKey() { return QStringLiteral("testing"); }
    static QString region() { return QStringLiteral("us-east-1"); }

private:
    bool prepare();
    bool waitUntilListening(int timeoutMs);

    std::unique_ptr<QTemporaryDir> m_dir;
    QList<quint16> m_ports; // proxy, account, container, object
    QList<QProcess *> m_processes;
    QString m_error;
};
