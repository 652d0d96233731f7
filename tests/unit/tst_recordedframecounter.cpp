// RecordedFrameCounter: the client's count of recorded frames matches what the server records,
// including a stop the server refuses (the recording goes on, so what was sent while the
// answer travelled was recorded too).
#include "client/recordedframecounter.h"

#include <QtTest>

using namespace roomrec;

class TestRecordedFrameCounter : public QObject {
    Q_OBJECT
private slots:
    void counts_data()
    {
        // Events: s = start requested, x = stop requested, r = stop refused, e = ended,
        // k = key frame sent, p = other frame sent.
        QTest::addColumn<QString>("events");
        QTest::addColumn<int>("expected");
        QTest::newRow("from the first key frame") << QStringLiteral("pp s pp kppp kpp") << 7;
        QTest::newRow("nothing after a stop") << QStringLiteral("s kpp x pp e kpp") << 3;
        QTest::newRow("a refused stop counts what went out meanwhile") << QStringLiteral("s kpp x pp r pp x e") << 7;
        QTest::newRow("refused before the first key frame") << QStringLiteral("s pp x pp r kp") << 2;
        QTest::newRow("refused while waiting, key frame meanwhile") << QStringLiteral("s p x kp r p") << 3;
        QTest::newRow("a start starts over") << QStringLiteral("s kpp e s pkp") << 2;
        QTest::newRow("ended while a stop is pending") << QStringLiteral("s kp x p e r p") << 2;
        QTest::newRow("never started") << QStringLiteral("kpp x r kp") << 0;
    }
    void counts()
    {
        QFETCH(QString, events);
        QFETCH(int, expected);
        RecordedFrameCounter counter;
        for (QChar c : events) {
            switch (c.toLatin1()) {
            case 's': counter.startRequested(); break;
            case 'x': counter.stopRequested(); break;
            case 'r': counter.stopRefused(); break;
            case 'e': counter.ended(); break;
            case 'k': counter.onVideoFrame(true); break;
            case 'p': counter.onVideoFrame(false); break;
            default: break;
            }
        }
        QCOMPARE(counter.count(), qint64(expected));
    }
};

QTEST_APPLESS_MAIN(TestRecordedFrameCounter)
#include "tst_recordedframecounter.moc"
