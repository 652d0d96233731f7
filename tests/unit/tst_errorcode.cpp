#include "protocol/errorcode.h"

#include <QFile>
#include <QSet>
#include <QtTest>

using namespace roomrec;

class TestErrorCode : public QObject {
    Q_OBJECT
private slots:
    void everyCodeInTheGuidesRanges();
    void codesAndNamesAreUnique();
    void everyCodeHasAMessage();
    void guideNamedErrorsExist();
    void docsListEveryCode();
};

void TestErrorCode::everyCodeInTheGuidesRanges()
{
    for (const ErrorCodeInfo &info : errorCodeTable()) {
        const int c = int(info.code);
        const bool inRange = (c >= 30000000 && c <= 30000099) || (c >= 30000200 && c <= 30000299)
                             || (c >= 30000300 && c <= 30000399) || (c >= 30000400 && c <= 30000499);
        QVERIFY2(inRange, info.name);
    }
}

void TestErrorCode::codesAndNamesAreUnique()
{
    QSet<int> codes;
    QSet<QString> names;
    for (const ErrorCodeInfo &info : errorCodeTable()) {
        QVERIFY2(!codes.contains(int(info.code)), info.name);
        QVERIFY2(!names.contains(QLatin1String(info.name)), info.name);
        codes << int(info.code);
        names << QLatin1String(info.name);
    }
}

void TestErrorCode::everyCodeHasAMessage()
{
    for (const ErrorCodeInfo &info : errorCodeTable()) {
        QVERIFY2(!QString::fromUtf8(info.message).trimmed().isEmpty(), info.name);
        QCOMPARE(errorMessage(int(info.code)), QString::fromUtf8(info.message));
    }
    QVERIFY(!errorMessage(12345).isEmpty());
}

void TestErrorCode::guideNamedErrorsExist()
{
    // The guide's two named errors have their own codes.
    QVERIFY(errorMessage(int(ErrorCode::NoPermissionForRecording)).contains(QStringLiteral("no permission for recording")));
    QVERIFY(errorMessage(int(ErrorCode::InsufficientStorageQuota)).contains(QStringLiteral("Insufficient storage quota")));
}

void TestErrorCode::docsListEveryCode()
{
    QFile doc(QStringLiteral(ROOMREC_SOURCE_DIR "/docs/errors.md"));
    QVERIFY2(doc.open(QIODevice::ReadOnly), "docs/errors.md is missing");
    const QString text = QString::fromUtf8(doc.readAll());
    for (const ErrorCodeInfo &info : errorCodeTable()) {
        QVERIFY2(text.contains(QString::number(int(info.code))), info.name);
        QVERIFY2(text.contains(QLatin1String(info.name)), info.name);
    }
}

QTEST_GUILESS_MAIN(TestErrorCode)
#include "tst_errorcode.moc"
