// The executables as users run them: roomrec-server in its own process, roomrec-cli
// recording against it and querying the library; the MP4 checked with ffprobe.
#include "mp4inspector.h"
#include "serverprocess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void recordPrintsFileIdsAndFilesShowsThem();
    void filesListFilters_data();
    void filesListFilters();
    void errorsGoToStderrWithCode_data();
    void errorsGoToStderrWithCode();
    void signMakesAcceptedSignatures();

private:
    struct Run {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    Run cli(const QStringList &arguments, int timeoutMs = 60'000);
    QString address() const { return QStringLiteral("127.0.0.1:%1").arg(m_port); }

    QTemporaryDir m_dir;
    ServerProcess m_server;
    quint16 m_port = 0;
    QString m_firstId;
};

TestCli::Run TestCli::cli(const QStringList &arguments, int timeoutMs)
{
    QProcess p;
    p.start(QStringLiteral(ROOMREC_CLI_BINARY), arguments);
    Run run;
    if (!p.waitForFinished(timeoutMs))
        return run;
    run.exitCode = p.exitCode();
    run.out = p.readAllStandardOutput();
    run.err = p.readAllStandardError();
    return run;
}

void TestCli::initTestCase()
{
    m_port = m_server.start(QStringLiteral(ROOMREC_SERVER_BINARY), m_dir.path());
    QVERIFY(m_port != 0);
}

void TestCli::cleanupTestCase()
{
    m_server.process().terminate();
    QVERIFY(m_server.process().waitForFinished(10'000));
    QCOMPARE(m_server.process().exitCode(), 0);
}

void TestCli::recordPrintsFileIdsAndFilesShowsThem()
{
    const Run run = cli({QStringLiteral("record"), QStringLiteral("--server"), address(), QStringLiteral("--user"), QStringLiteral("alice"),
                         QStringLiteral("--relation-id"), QStringLiteral("15000"), QStringLiteral("--room-id"), QStringLiteral("1"),
                         QStringLiteral("--source"), QStringLiteral("testpattern"), QStringLiteral("--seconds"), QStringLiteral("3"),
                         QStringLiteral("--name"), QStringLiteral("cli-lesson"), QStringLiteral("--tags"), QStringLiteral("math,week3"),
                         QStringLiteral("--class-id"), QStringLiteral("7")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QJsonObject printed = QJsonDocument::fromJson(run.out).object();
    const QJsonArray ids = printed.value(QStringLiteral("fileIds")).toArray();
    QCOMPARE(ids.size(), 1);
    m_firstId = ids.first().toString();
    QVERIFY(QRegularExpression(QStringLiteral("^\\d{1,20}$")).match(m_firstId).hasMatch());

    const Run show = cli({QStringLiteral("files"), QStringLiteral("show"), m_firstId, QStringLiteral("--server"), address()});
    QVERIFY2(show.exitCode == 0, show.err.constData());
    const QJsonObject file = QJsonDocument::fromJson(show.out).object();
    QCOMPARE(file.value(QStringLiteral("fileId")).toString(), m_firstId);
    QCOMPARE(file.value(QStringLiteral("fileName")).toString(), QStringLiteral("cli-lesson"));
    QCOMPARE(file.value(QStringLiteral("tags")).toArray().size(), 2);
    QCOMPARE(file.value(QStringLiteral("classId")).toInt(), 7);
    QVERIFY(qAbs(file.value(QStringLiteral("durationSeconds")).toDouble() - 3.0) <= 0.5);
    const QString path = file.value(QStringLiteral("path")).toString();
    // The size is updated once the file is finalized (a moment after the stop).
    QTRY_COMPARE_WITH_TIMEOUT(QJsonDocument::fromJson(cli({QStringLiteral("files"), QStringLiteral("show"), m_firstId, QStringLiteral("--server"), address()}).out)
                                  .object().value(QStringLiteral("sizeBytes")).toInteger(),
                              QFileInfo(path).size(), 10'000);

    const QString ffprobe = QStandardPaths::findExecutable(QStringLiteral("ffprobe"));
    if (ffprobe.isEmpty())
        QSKIP("ffprobe is not installed (scripts/deps.sh installs it)");
    QProcess probe;
    probe.start(ffprobe, {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-show_entries"),
                          QStringLiteral("stream=codec_name"), QStringLiteral("-of"), QStringLiteral("csv=p=0"), path});
    QVERIFY(probe.waitForFinished(30'000));
    QCOMPARE(probe.readAllStandardError(), QByteArray());
    QCOMPARE(QString::fromUtf8(probe.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts),
             (QStringList{QStringLiteral("h264"), QStringLiteral("aac")}));
    QProcess decode;
    decode.start(QStandardPaths::findExecutable(QStringLiteral("ffmpeg")),
                 {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-i"), path, QStringLiteral("-f"), QStringLiteral("null"), QStringLiteral("-")});
    QVERIFY(decode.waitForFinished(60'000));
    QCOMPARE(decode.exitCode(), 0);
    QCOMPARE(decode.readAllStandardError(), QByteArray()); // not a single decode error
}

void TestCli::filesListFilters_data()
{
    QTest::addColumn<QStringList>("filter");
    QTest::addColumn<int>("expected");
    QTest::newRow("all") << QStringList{} << 1;
    QTest::newRow("by name") << QStringList{QStringLiteral("--name"), QStringLiteral("cli-lesson")} << 1;
    QTest::newRow("by other name") << QStringList{QStringLiteral("--name"), QStringLiteral("nothing")} << 0;
    QTest::newRow("by tag") << QStringList{QStringLiteral("--tag"), QStringLiteral("week3")} << 1;
    QTest::newRow("by class") << QStringList{QStringLiteral("--class-id"), QStringLiteral("8")} << 0;
}

void TestCli::filesListFilters()
{
    QFETCH(QStringList, filter);
    QFETCH(int, expected);
    const Run run = cli(QStringList{QStringLiteral("files"), QStringLiteral("list"), QStringLiteral("--server"), address()} + filter);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(QJsonDocument::fromJson(run.out).object().value(QStringLiteral("files")).toArray().size(), expected);
}

void TestCli::errorsGoToStderrWithCode_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("code");
    QTest::newRow("unknown file") << QStringList{QStringLiteral("files"), QStringLiteral("show"), QStringLiteral("12345")} << "30000210";
    QTest::newRow("bad file name") << QStringList{QStringLiteral("record"), QStringLiteral("--name"), QStringLiteral("a/b")} << "30000020";
    QTest::newRow("11 tags") << QStringList{QStringLiteral("record"), QStringLiteral("--tags"), QStringLiteral("1,2,3,4,5,6,7,8,9,10,11")} << "30000022";
}

void TestCli::errorsGoToStderrWithCode()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, code);
    const Run run = cli(arguments + QStringList{QStringLiteral("--server"), address()});
    QVERIFY(run.exitCode != 0);
    QVERIFY2(run.err.contains(("error " + code).toUtf8()), run.err.constData());
    QVERIFY(run.out.isEmpty());
}

void TestCli::signMakesAcceptedSignatures()
{
    QFile secret(m_dir.filePath(QStringLiteral("secret")));
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write("a-long-enough-server-secret\n");
    secret.close();
    const Run sign = cli({QStringLiteral("sign"), QStringLiteral("--secret-file"), secret.fileName(), QStringLiteral("--user"),
                          QStringLiteral("carol"), QStringLiteral("--privileges"), QStringLiteral("join,publish")});
    QCOMPARE(sign.exitCode, 0);
    const QByteArray token = sign.out.trimmed();
    QVERIFY(token.contains('.'));
    // A server with that secret accepts carol, and refuses her recording.
    ServerProcess secured;
    QTemporaryDir data;
    const quint16 securedPort = secured.start(QStringLiteral(ROOMREC_SERVER_BINARY), data.path(),
                                              {QStringLiteral("--secret-file"), secret.fileName()});
    QVERIFY(securedPort != 0);
    const QString server = QStringLiteral("127.0.0.1:%1").arg(securedPort);
    const Run list = cli({QStringLiteral("files"), QStringLiteral("list"), QStringLiteral("--server"), server,
                          QStringLiteral("--user"), QStringLiteral("carol"), QStringLiteral("--signature"), QString::fromLatin1(token)});
    QVERIFY2(list.exitCode == 0, list.err.constData());
    const Run unsigned_ = cli({QStringLiteral("files"), QStringLiteral("list"), QStringLiteral("--server"), server, QStringLiteral("--user"), QStringLiteral("carol")});
    QVERIFY(unsigned_.err.contains("error 30000040"));
    const Run record = cli({QStringLiteral("record"), QStringLiteral("--seconds"), QStringLiteral("1"), QStringLiteral("--server"), server,
                            QStringLiteral("--user"), QStringLiteral("carol"), QStringLiteral("--signature"), QString::fromLatin1(token)});
    QVERIFY2(record.err.contains("error 30000043"), record.err.constData()); // no "create" privilege
    secured.process().terminate();
    QVERIFY(secured.process().waitForFinished(10'000));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
