#include "protocol/errorcode.h"
#include "protocol/recordparam.h"

#include <QCborArray>
#include <QtTest>

using namespace roomrec;

class TestRecordParam : public QObject {
    Q_OBJECT
private slots:
    void validate_data();
    void validate();
    void cborRoundTrip();
    void cborTypes_data();
    void cborTypes();
};

void TestRecordParam::validate_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QStringList>("tags");
    QTest::addColumn<quint32>("recordDataType");
    QTest::addColumn<quint32>("sdkType");
    QTest::addColumn<int>("expected"); // 0 = valid
    const QStringList none;
    QTest::newRow("plain") << "lesson-1" << QStringList{"math", "week 3"} << 0u << 0u << 0;
    QTest::newRow("unicode name") << QStringLiteral("数学课 第一讲") << none << 1u << 1u << 0;
    QTest::newRow("empty name") << "" << none << 0u << 0u << int(ErrorCode::InvalidFileName);
    QTest::newRow("blank name") << "   " << none << 0u << 0u << int(ErrorCode::InvalidFileName);
    QTest::newRow("slash") << "a/b" << none << 0u << 0u << int(ErrorCode::InvalidFileName);
    QTest::newRow("backslash") << "a\\b" << none << 0u << 0u << int(ErrorCode::InvalidFileName);
    QTest::newRow("dot-dot") << ".." << none << 0u << 0u << int(ErrorCode::InvalidFileName);
    QTest::newRow("control char") << QStringLiteral("a\nb") << none << 0u << 0u << int(ErrorCode::InvalidFileName);
    QTest::newRow("colon") << "c:x" << none << 0u << 0u << int(ErrorCode::InvalidFileName);
    QTest::newRow("trailing space") << "name " << none << 0u << 0u << int(ErrorCode::InvalidFileName);
    QTest::newRow("100 chars") << QString(100, 'n') << none << 0u << 0u << 0;
    QTest::newRow("101 chars") << QString(101, 'n') << none << 0u << 0u << int(ErrorCode::FileNameTooLong);
    QStringList ten, eleven;
    for (int i = 0; i < 11; ++i)
        (i < 10 ? ten : eleven) << QString::number(i);
    eleven = ten + QStringList{"x"};
    QTest::newRow("10 tags") << "n" << ten << 0u << 0u << 0;
    QTest::newRow("11 tags") << "n" << eleven << 0u << 0u << int(ErrorCode::TooManyTags);
    QTest::newRow("empty tag") << "n" << QStringList{""} << 0u << 0u << int(ErrorCode::InvalidTag);
    QTest::newRow("comma tag") << "n" << QStringList{"a,b"} << 0u << 0u << int(ErrorCode::InvalidTag);
    QTest::newRow("33-char tag") << "n" << QStringList{QString(33, 't')} << 0u << 0u << int(ErrorCode::InvalidTag);
    QTest::newRow("record type 2") << "n" << none << 2u << 0u << int(ErrorCode::InvalidRecordDataType);
    QTest::newRow("sdk type 9") << "n" << none << 0u << 9u << int(ErrorCode::InvalidSdkType);
}

void TestRecordParam::validate()
{
    QFETCH(QString, fileName);
    QFETCH(QStringList, tags);
    QFETCH(quint32, recordDataType);
    QFETCH(quint32, sdkType);
    QFETCH(int, expected);
    RecordParam p;
    p.fileName = fileName;
    p.tags = tags;
    p.recordDataType = recordDataType;
    p.sdkType = sdkType;
    const Status s = p.validate();
    QCOMPARE(s.ok() ? 0 : s.error().code, expected);
    // The wire path applies the same rules.
    auto parsed = RecordParam::fromCbor(p.toCbor());
    QCOMPARE(parsed.ok() ? 0 : parsed.error().code, expected);
}

void TestRecordParam::cborRoundTrip()
{
    RecordParam p;
    p.fileName = QStringLiteral("talk");
    p.tags = {QStringLiteral("a"), QStringLiteral("b")};
    p.classId = 4000000000u;
    p.transcode = p.screenshot = p.watermark = true;
    p.sdkType = RecordParam::SdkEducation;
    p.recordDataType = RecordParam::SubStream;
    auto back = RecordParam::fromCbor(p.toCbor());
    QVERIFY(back.ok());
    QCOMPARE(back->fileName, p.fileName);
    QCOMPARE(back->tags, p.tags);
    QCOMPARE(back->classId, p.classId);
    QVERIFY(back->transcode && back->screenshot && back->watermark);
    QCOMPARE(back->sdkType, p.sdkType);
    QCOMPARE(back->recordDataType, p.recordDataType);
}

void TestRecordParam::cborTypes_data()
{
    QTest::addColumn<QCborMap>("map");
    QTest::addColumn<int>("expected");
    const QCborMap base{{QStringLiteral("fileName"), QStringLiteral("n")}};
    auto with = [&base](const char *key, const QCborValue &v) {
        QCborMap m = base;
        m.insert(QLatin1String(key), v);
        return m;
    };
    QTest::newRow("no name") << QCborMap{} << int(ErrorCode::MissingField);
    QTest::newRow("name is int") << QCborMap{{QStringLiteral("fileName"), 3}} << int(ErrorCode::WrongFieldType);
    QTest::newRow("tags not array") << with("tags", QStringLiteral("a")) << int(ErrorCode::WrongFieldType);
    QTest::newRow("tag not string") << with("tags", QCborArray{1}) << int(ErrorCode::InvalidTag);
    QTest::newRow("classId negative") << with("classId", -1) << int(ErrorCode::InvalidClassId);
    QTest::newRow("classId > u32") << with("classId", 0x100000000LL) << int(ErrorCode::InvalidClassId);
    QTest::newRow("classId string") << with("classId", QStringLiteral("7")) << int(ErrorCode::WrongFieldType);
    QTest::newRow("transcode int") << with("transcode", 1) << int(ErrorCode::WrongFieldType);
    QTest::newRow("recordDataType 5") << with("recordDataType", 5) << int(ErrorCode::InvalidRecordDataType);
}

void TestRecordParam::cborTypes()
{
    QFETCH(QCborMap, map);
    QFETCH(int, expected);
    auto parsed = RecordParam::fromCbor(map);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, expected);
}

QTEST_GUILESS_MAIN(TestRecordParam)
#include "tst_recordparam.moc"
