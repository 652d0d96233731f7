// roomrec-server --config FILE: settings from the file, the command line over them, clear
// errors, and the configuration the Debian package installs parses as it is.
#include "configfile.h"
#include "serveroptions.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

class TestServerConfig : public QObject {
    Q_OBJECT
private slots:
    void fileSetsOptions();
    void commandLineWins();
    void switches();
    void errorsNameFileAndLine_data();
    void errorsNameFileAndLine();
    void packagedConfigurationParses();
    void objectStorageKeysComeFromTheFile();

private:
    QString write(const QByteArray &text)
    {
        const QString path = m_dir.filePath(QStringLiteral("server-%1.conf").arg(++m_count));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }
    QTemporaryDir m_dir;
    int m_count = 0;
};

void TestServerConfig::fileSetsOptions()
{
    const QString path = write("# comment\n\nlisten = 127.0.0.1:7801\n  data=/tmp/rr data \nsegment-seconds = 600\n"
                               "idle-timeout-seconds = 5\nquota-bytes = \"1000\"\n");
    auto config = ServerOptions::parse({QStringLiteral("roomrec-server"), QStringLiteral("--config"), path});
    QVERIFY2(config.ok(), config.ok() ? "" : qPrintable(config.error().message));
    QCOMPARE(config->port, quint16(7801));
    QCOMPARE(config->dataDir, QStringLiteral("/tmp/rr data"));
    QCOMPARE(config->segmentSeconds, qint64(600));
    QCOMPARE(config->idleTimeoutMs, qint64(5000));
    QCOMPARE(config->quotaBytes, qint64(1000));
}

void TestServerConfig::commandLineWins()
{
    const QString path = write("listen = 127.0.0.1:7801\nsegment-seconds = 600\n");
    // Before and after --config: the command line wins either way.
    auto config = ServerOptions::parse({QStringLiteral("roomrec-server"), QStringLiteral("--segment-seconds"), QStringLiteral("60"),
                                        QStringLiteral("--config"), path});
    QVERIFY(config.ok());
    QCOMPARE(config->segmentSeconds, qint64(60));
    QCOMPARE(config->port, quint16(7801));
}

void TestServerConfig::switches()
{
    const QHash<QString, bool> options{{QStringLiteral("allow-plain-http"), false}, {QStringLiteral("listen"), true}};
    auto on = ConfigFile::arguments(write("allow-plain-http = true\nlisten = 1.2.3.4:5\n"), options);
    QVERIFY(on.ok());
    QCOMPARE(on.value(), (QStringList{QStringLiteral("--allow-plain-http"), QStringLiteral("--listen"), QStringLiteral("1.2.3.4:5")}));
    auto off = ConfigFile::arguments(write("allow-plain-http = false\n"), options);
    QVERIFY(off.ok());
    QVERIFY(off->isEmpty());
}

void TestServerConfig::errorsNameFileAndLine_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown") << QByteArray("listen = 127.0.0.1:1\nlisen = x\n") << QStringLiteral(":2: unknown setting 'lisen'");
    QTest::newRow("no equals") << QByteArray("# ok\nlisten 127.0.0.1:1\n") << QStringLiteral(":2: expected 'name = value'");
    QTest::newRow("bad switch") << QByteArray("allow-plain-http = yes\n") << QStringLiteral(":1: 'allow-plain-http' takes true or false");
    QTest::newRow("nested config") << QByteArray("config = other.conf\n") << QStringLiteral(":1: unknown setting 'config'");
}

void TestServerConfig::errorsNameFileAndLine()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    const QString path = write(text);
    auto config = ServerOptions::parse({QStringLiteral("roomrec-server"), QStringLiteral("--config"), path});
    QVERIFY(!config.ok());
    QVERIFY2(config.error().message.contains(path + expected), qPrintable(config.error().message));
}

void TestServerConfig::packagedConfigurationParses()
{
    auto missing = ServerOptions::parse({QStringLiteral("roomrec-server"), QStringLiteral("--config"), m_dir.filePath(QStringLiteral("none.conf"))});
    QVERIFY(!missing.ok());
    QVERIFY(missing.error().message.startsWith(QStringLiteral("--config: ")));

    auto config = ServerOptions::parse({QStringLiteral("roomrec-server"), QStringLiteral("--config"),
                                        QStringLiteral(ROOMREC_SOURCE_DIR "/packaging/linux/roomrec-server.conf")});
    QVERIFY2(config.ok(), config.ok() ? "" : qPrintable(config.error().message));
    QCOMPARE(config->dataDir, QStringLiteral("/var/lib/roomrec-server"));
    QCOMPARE(config->address, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(config->port, quint16(7707));
}

// The object store's endpoint and keys are file-only settings: they reach the config
// without ever being turned into command-line arguments.
void TestServerConfig::objectStorageKeysComeFromTheFile()
{
    const QString path = write("storage = s3://rec/node1\ns3-endpoint = http://127.0.0.1:9000\ns3-access-key = AK\n"
                               "s3-secret-key = very-secret\ns3-region = eu-west-1\nstorage-part-mb = 8\n"
                               "storage-keep-local-seconds = -1\n");
    auto config = ServerOptions::parse({QStringLiteral("roomrec-server"), QStringLiteral("--config"), path});
    QVERIFY2(config.ok(), config.ok() ? "" : qPrintable(config.error().message));
    QVERIFY(config->objectStorage.has_value());
    QCOMPARE(config->objectStorage->bucket, QStringLiteral("rec"));
    QCOMPARE(config->objectStorage->prefix, QStringLiteral("node1"));
    QCOMPARE(config->objectStorage->secretKey, QStringLiteral("very-secret"));
    QCOMPARE(config->objectStorage->region, QStringLiteral("eu-west-1"));
    QCOMPARE(config->objectStorage->partBytes, qint64(8) * 1024 * 1024);
    QCOMPARE(config->objectStorage->keepLocalSeconds, qint64(-1));
    QHash<QString, bool> options{{QStringLiteral("storage"), true}};
    QHash<QString, QString> fileOnly;
    auto arguments = ConfigFile::arguments(path, options, S3Config::fileOnlySettings(), &fileOnly);
    QVERIFY(!arguments.ok()); // storage-part-mb is not among these options
    auto just = ConfigFile::arguments(write("storage = s3://rec\ns3-secret-key = very-secret\n"), options,
                                      S3Config::fileOnlySettings(), &fileOnly);
    QVERIFY(just.ok());
    QCOMPARE(just.value(), (QStringList{QStringLiteral("--storage"), QStringLiteral("s3://rec")}));
    QCOMPARE(fileOnly.value(QStringLiteral("s3-secret-key")), QStringLiteral("very-secret"));

    // Without an endpoint: a clear error naming where it may come from.
    if (qEnvironmentVariableIsEmpty("ROOMREC_S3_ENDPOINT")) {
        auto missing = ServerOptions::parse({QStringLiteral("roomrec-server"), QStringLiteral("--storage"), QStringLiteral("s3://rec")});
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().message.contains(QStringLiteral("ROOMREC_S3_ENDPOINT")));
    }
}

QTEST_GUILESS_MAIN(TestServerConfig)
#include "tst_serverconfig.moc"
