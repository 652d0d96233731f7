#include "protocol/errorcode.h"
#include "protocol/usersignature.h"

#include <QtTest>

using namespace roomrec;

class TestUserSignature : public QObject {
    Q_OBJECT
private slots:
    void verify_data();
    void verify();
    void privileges_data();
    void privileges();
};

namespace {
const QByteArray kSecret("0123456789abcdef-secret");
}

void TestUserSignature::verify_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("user");
    QTest::addColumn<int>("expected");
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QByteArray good = UserSignature::sign(kSecret, QStringLiteral("alice"), now.addSecs(600), UserSignature::All);
    QTest::newRow("valid") << good << "alice" << 0;
    QTest::newRow("missing") << QByteArray() << "alice" << int(ErrorCode::SignatureMissing);
    QTest::newRow("other user") << good << "bob" << int(ErrorCode::SignatureInvalid);
    QTest::newRow("expired") << UserSignature::sign(kSecret, QStringLiteral("alice"), now.addSecs(-1), UserSignature::All)
                             << "alice" << int(ErrorCode::SignatureExpired);
    QTest::newRow("wrong secret") << UserSignature::sign("another-secret-1234", QStringLiteral("alice"), now.addSecs(600), UserSignature::All)
                                  << "alice" << int(ErrorCode::SignatureInvalid);
    QByteArray tampered = good;
    tampered[3] = tampered[3] == 'A' ? 'B' : 'A';
    QTest::newRow("tampered payload") << tampered << "alice" << int(ErrorCode::SignatureInvalid);
    QTest::newRow("no dot") << QByteArray("abcdef") << "alice" << int(ErrorCode::SignatureInvalid);
    QTest::newRow("garbage mac") << QByteArray("abc.!!!") << "alice" << int(ErrorCode::SignatureInvalid);
}

void TestUserSignature::verify()
{
    QFETCH(QByteArray, token);
    QFETCH(QString, user);
    QFETCH(int, expected);
    auto result = UserSignature::verify(kSecret, token, user, QDateTime::currentDateTimeUtc());
    QCOMPARE(result.ok() ? 0 : result.error().code, expected);
}

void TestUserSignature::privileges_data()
{
    QTest::addColumn<QString>("list");
    QTest::addColumn<int>("flags"); // -1: invalid
    QTest::newRow("all") << "all" << int(UserSignature::All);
    QTest::newRow("join,publish") << "join,publish" << int(UserSignature::Join | UserSignature::Publish);
    QTest::newRow("no record") << "create,join,publish" << int(UserSignature::CreateRoom | UserSignature::Join | UserSignature::Publish);
    QTest::newRow("unknown") << "join,fly" << -1;
}

void TestUserSignature::privileges()
{
    QFETCH(QString, list);
    QFETCH(int, flags);
    auto parsed = UserSignature::parsePrivileges(list);
    QCOMPARE(parsed.ok() ? int(parsed.value()) : -1, flags);
    if (flags < 0)
        return;
    const QByteArray token = UserSignature::sign(kSecret, QStringLiteral("u1"), QDateTime::currentDateTimeUtc().addSecs(60),
                                                 parsed.value());
    auto granted = UserSignature::verify(kSecret, token, QStringLiteral("u1"), QDateTime::currentDateTimeUtc());
    QVERIFY(granted.ok());
    QCOMPARE(int(granted.value()), flags);
}

QTEST_GUILESS_MAIN(TestUserSignature)
#include "tst_usersignature.moc"
