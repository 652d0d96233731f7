// Replays every server script in tests/corpus/server (the fuzz_server seeds, and inputs the
// fuzzer once crashed on) against one RoomServer in this process, as fuzz_server does, so CI
// exercises them without clang. See tests/support/serverscript.h for the script format.
#include "mp4inspector.h"
#include "catalogprobe.h"
#include "serverscript.h"

#include "server/roomserver.h"

#include <QDirIterator>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

class TestServerCorpus : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void replay_data();
    void replay();
    void serverStillRecordsNormally();

private:
    QStringList mp4FilesLeft() const;

    QTemporaryDir m_dir;
    std::unique_ptr<RoomServer> m_server;
};

void TestServerCorpus::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_server = std::make_unique<RoomServer>(ServerScript::serverConfig(m_dir.path()));
    const Status started = m_server->start();
    QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().toString()));
}

void TestServerCorpus::replay_data()
{
    QTest::addColumn<QString>("path");
    const QDir corpus(QStringLiteral(ROOMREC_SOURCE_DIR "/tests/corpus/server"));
    const QStringList files = corpus.entryList(QDir::Files, QDir::Name);
    QVERIFY2(files.size() >= 5, "corpus missing: tests/corpus/make_server_corpus.py");
    for (const QString &file : files)
        QTest::newRow(qPrintable(file)) << corpus.filePath(file);
}

QStringList TestServerCorpus::mp4FilesLeft() const
{
    QStringList left;
    QDirIterator it(m_dir.filePath(QStringLiteral("recordings")), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        left << it.next();
    return left;
}

void TestServerCorpus::replay()
{
    QFETCH(QString, path);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray script = file.readAll();
    const bool realEncoder = QFileInfo(path).fileName().startsWith(QLatin1String("real-encoder"));
    const bool postProcessing = QFileInfo(path).fileName().contains(QLatin1String("postprocessing"));

    QList<Mp4Report> inspected;
    QList<FileRecord> records;
    const ServerScriptReport report = ServerScript::run(*m_server, script, [&](const ServerScriptReport &r) {
        records = r.files;
        for (const FileRecord &record : r.files)
            inspected << Mp4Inspector::inspect(record.storagePath);
    });
    QVERIFY2(report.connected, qPrintable(report.failure));
    QVERIFY2(report.failure.isEmpty(), qPrintable(report.failure));

    // Whatever the media was, every file the server kept is finished and is an MP4 that opens.
    for (int i = 0; i < records.size(); ++i) {
        const FileRecord &record = records[i];
        QVERIFY2(record.state != FileRecord::State::Recording, qPrintable(record.storagePath));
        if (record.state == FileRecord::State::Complete)
            QVERIFY2(inspected[i].opened, qPrintable(record.storagePath + QLatin1String(": ") + inspected[i].error));
    }
    if (realEncoder) {
        // Real H.264/AAC: every frame sent is in the files, in 1 s segments, and decodes.
        QVERIFY(!report.dropped);
        QVERIFY2(records.size() >= 2, "1 s segments: a cut at the key frame after 1 s");
        int videoFrames = 0;
        for (int i = 0; i < records.size(); ++i) {
            QCOMPARE(records[i].state, FileRecord::State::Complete);
            QCOMPARE(inspected[i].decodeErrors, 0);
            videoFrames += inspected[i].videoFramesDecoded;
            if (postProcessing) {
                QCOMPARE(records[i].processingState, QStringLiteral("done"));
                QVERIFY(!records[i].derived.isEmpty());
            }
        }
        QCOMPARE(videoFrames, 30); // 2 s at 15 fps
    }
    // Deleted again, with the derived outputs: nothing is left for the next script.
    auto left = catalogOf(*m_server).files(FileFilter{{}, {}, {}, {}, 100000});
    QVERIFY(left.ok());
    QVERIFY(left->isEmpty());
    QCOMPARE(mp4FilesLeft(), QStringList());
}

void TestServerCorpus::serverStillRecordsNormally()
{
    QFile file(QStringLiteral(ROOMREC_SOURCE_DIR "/tests/corpus/server/real-encoder-av.bin"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    int frames = 0;
    const ServerScriptReport report = ServerScript::run(*m_server, file.readAll(), [&](const ServerScriptReport &r) {
        for (const FileRecord &record : r.files)
            frames += Mp4Inspector::inspect(record.storagePath).videoFramesDecoded;
    });
    QVERIFY2(report.failure.isEmpty(), qPrintable(report.failure));
    QCOMPARE(frames, 30);
}

QTEST_GUILESS_MAIN(TestServerCorpus)
#include "tst_server_corpus.moc"
