#include "protocol/controlmessage.h"
#include "protocol/errorcode.h"
#include "protocol/streamparams.h"

#include <QCborArray>
#include <QtTest>

using namespace roomrec;

class TestControlMessage : public QObject {
    Q_OBJECT
private slots:
    void roundTrip();
    void responses();
    void malformed_data();
    void malformed();
    void typedAccessors_data();
    void typedAccessors();
    void videoExtradata_data();
    void videoExtradata();
};

void TestControlMessage::roundTrip()
{
    ControlMessage m(QStringLiteral("startRecording"), 42, {{QStringLiteral("relationId"), 15000}});
    auto decoded = ControlMessage::decode(m.encode());
    QVERIFY(decoded.ok());
    QCOMPARE(decoded->type(), QStringLiteral("startRecording"));
    QCOMPARE(decoded->id(), quint64(42));
    QCOMPARE(decoded->fields().value(QStringLiteral("relationId")).toInteger(), 15000);
}

void TestControlMessage::responses()
{
    auto ok = ControlMessage::decode(ControlMessage::success(7, QCborArray{1, 2}).encode());
    QVERIFY(ok.ok());
    QVERIFY(ok->isOk());
    QCOMPARE(ok->value().toArray().size(), 2);
    auto failed = ControlMessage::decode(ControlMessage::failure(8, makeError(ErrorCode::TooManyTags)).encode());
    QVERIFY(failed.ok());
    QVERIFY(!failed->isOk());
    QCOMPARE(failed->error().code, int(ErrorCode::TooManyTags));
}

void TestControlMessage::malformed_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("not cbor") << QByteArray("\xff\xff\xff", 3);
    QTest::newRow("array, not map") << QCborValue(QCborArray{1, 2}).toCbor();
    QTest::newRow("no type") << QCborValue(QCborMap{{QStringLiteral("id"), 1}}).toCbor();
    QTest::newRow("type not string") << QCborValue(QCborMap{{QStringLiteral("t"), 5}}).toCbor();
    QTest::newRow("negative id") << QCborValue(QCborMap{{QStringLiteral("t"), QStringLiteral("x")}, {QStringLiteral("id"), -1}}).toCbor();
    QTest::newRow("truncated") << ControlMessage(QStringLiteral("hello"), 1, {{QStringLiteral("version"), 1}}).encode().chopped(2);
}

void TestControlMessage::malformed()
{
    QFETCH(QByteArray, payload);
    auto decoded = ControlMessage::decode(payload);
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().code, int(ErrorCode::MalformedMessage));
}

void TestControlMessage::typedAccessors_data()
{
    QTest::addColumn<QCborValue>("value");
    QTest::addColumn<int>("expectedCode"); // 0 = accepted as an integer in [0, 100]
    QTest::newRow("in range") << QCborValue(50) << 0;
    QTest::newRow("below") << QCborValue(-1) << int(ErrorCode::WrongFieldType);
    QTest::newRow("above") << QCborValue(101) << int(ErrorCode::WrongFieldType);
    QTest::newRow("string") << QCborValue(QStringLiteral("50")) << int(ErrorCode::WrongFieldType);
    QTest::newRow("missing") << QCborValue() << int(ErrorCode::MissingField);
}

void TestControlMessage::typedAccessors()
{
    QFETCH(QCborValue, value);
    QFETCH(int, expectedCode);
    ControlMessage m(QStringLiteral("x"), 1);
    if (!value.isUndefined())
        m.set(QStringLiteral("n"), value);
    auto n = m.integer(QStringLiteral("n"), 0, 100);
    QCOMPARE(n.ok() ? 0 : n.error().code, expectedCode);
}

void TestControlMessage::videoExtradata_data()
{
    QTest::addColumn<QByteArray>("extradata");
    QTest::addColumn<bool>("accepted");
    const QByteArray sps = QByteArray::fromHex("6742c00cda05067e7c04400000030040000007a3c50aa8");
    const QByteArray pps = QByteArray::fromHex("68ce0fc8");
    QTest::newRow("annex b") << QByteArray("\0\0\0\1", 4) + sps + QByteArray("\0\0\1", 3) + pps << true;
    QTest::newRow("avcC") << QByteArray::fromHex("0142c00cffe10017") + sps + QByteArray::fromHex("010004") + pps << true;
    QTest::newRow("annex b without pps") << QByteArray("\0\0\0\1", 4) + sps << false;
    QTest::newRow("avcC cut short") << QByteArray::fromHex("0142c00cffe10017") + sps.left(5) << false;
    QTest::newRow("avcC without pps") << QByteArray::fromHex("0142c00cffe10017") + sps + QByteArray::fromHex("00") << false;
    QTest::newRow("three bytes") << QByteArray("\x01\x02\x03", 3) << false;
    QTest::newRow("no start code") << sps + pps << false;
}

void TestControlMessage::videoExtradata()
{
    QFETCH(QByteArray, extradata);
    QFETCH(bool, accepted);
    VideoParams video;
    video.width = 320;
    video.height = 180;
    video.extradata = extradata;
    auto parsed = VideoParams::fromCbor(video.toCbor());
    QCOMPARE(parsed.ok(), accepted);
    if (!accepted)
        QCOMPARE(parsed.error().code, int(ErrorCode::InvalidStreamParams));
}

QTEST_GUILESS_MAIN(TestControlMessage)
#include "tst_controlmessage.moc"
