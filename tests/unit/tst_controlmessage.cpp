#include "protocol/controlmessage.h"
#include "protocol/errorcode.h"

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

QTEST_GUILESS_MAIN(TestControlMessage)
#include "tst_controlmessage.moc"
