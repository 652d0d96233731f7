#include "storage/s3config.h"
#include "storage/s3presigner.h"
#include "storage/s3xml.h"

#include <QUrlQuery>
#include <QtTest>

using namespace roomrec;

// The presigned URL is the one piece of SigV4 we write ourselves (libcurl signs everything
// else): checked here against AWS's own worked example, and against a real server in
// tst_objectstorage.
class TstS3Presigner : public QObject {
    Q_OBJECT
private slots:
    void awsWorkedExample()
    {
        // "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)", example.
        const QUrl url = S3Presigner::presignGet(QStringLiteral("https://examplebucket.s3.amazonaws.com"), QStringLiteral("/test.txt"),
                                                 {QStringLiteral("AKIAIOSFODNN7EXAMPLE"),
                                                  QStringLiteral("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), QStringLiteral("us-east-1")},
                                                 QDateTime(QDate(2013, 5, 24), QTime(0, 0), Qt::UTC), 86400);
        const QUrlQuery query(url);
        QCOMPARE(query.queryItemValue(QStringLiteral("X-Amz-Signature")),
                 QStringLiteral("aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"));
        QCOMPARE(query.queryItemValue(QStringLiteral("X-Amz-Credential"), QUrl::FullyEncoded),
                 QStringLiteral("AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"));
        QCOMPARE(url.host(), QStringLiteral("examplebucket.s3.amazonaws.com"));
        QCOMPARE(url.path(), QStringLiteral("/test.txt"));
    }

    void hostCarriesANonDefaultPort()
    {
        S3Config config;
        config.endpoint = QUrl(QStringLiteral("http://127.0.0.1:8080"));
        config.bucket = QStringLiteral("b");
        config.accessKey = QStringLiteral("test:tester");
        config.secretKey = QStringLiteral("testing");
        const QDateTime now(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC);
        const QUrl a = S3Presigner::presignGet(config, QStringLiteral("p/1/1.mp4"), now);
        QCOMPARE(a.toString(QUrl::RemoveQuery), QStringLiteral("http://127.0.0.1:8080/b/p/1/1.mp4"));
        // The colon of the access key is encoded in the credential.
        QVERIFY(a.query(QUrl::FullyEncoded).contains(QStringLiteral("X-Amz-Credential=test%3Atester%2F20260102")));
        // Another port is another host: another signature.
        config.endpoint = QUrl(QStringLiteral("http://127.0.0.1:8081"));
        const QUrl b = S3Presigner::presignGet(config, QStringLiteral("p/1/1.mp4"), now);
        QVERIFY(QUrlQuery(a).queryItemValue(QStringLiteral("X-Amz-Signature"))
                != QUrlQuery(b).queryItemValue(QStringLiteral("X-Amz-Signature")));
    }

    void encodesEverythingButUnreserved()
    {
        QCOMPARE(S3Presigner::encode(QStringLiteral("a b/c~d+é")), QStringLiteral("a%20b%2Fc~d%2B%C3%A9"));
        QCOMPARE(S3Presigner::encodePath(QStringLiteral("p q/r")), QStringLiteral("p%20q/r"));
    }

    void storageUrl_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("bucket");
        QTest::addColumn<QString>("prefix");
        QTest::newRow("bucket and prefix") << "s3://rec/a/b/" << true << "rec" << "a/b";
        QTest::newRow("bucket only") << "s3://rec" << true << "rec" << "";
        QTest::newRow("credentials refused") << "s3://key:secret@rec/p" << false << "" << "";
        QTest::newRow("not s3") << "http://rec/p" << false << "" << "";
        QTest::newRow("no bucket") << "s3:///p" << false << "" << "";
    }

    void storageUrl()
    {
        QFETCH(QString, url);
        QFETCH(bool, ok);
        S3Config config;
        const Status s = config.setStorageUrl(url);
        QCOMPARE(bool(s), ok);
        if (ok) {
            QTEST(config.bucket, "bucket");
            QTEST(config.prefix, "prefix");
        }
    }

    void connectionFromFileWinsOverEnvironment()
    {
        S3Config config;
        const QHash<QString, QString> env{{QStringLiteral("ROOMREC_S3_ENDPOINT"), QStringLiteral("http://env:1")},
                                          {QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("envkey")},
                                          {QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("envsecret")},
                                          {QStringLiteral("AWS_REGION"), QStringLiteral("eu-west-1")}};
        QVERIFY(config.setConnection({}, env));
        QCOMPARE(config.endpoint.toString(), QStringLiteral("http://env:1"));
        QCOMPARE(config.region, QStringLiteral("eu-west-1"));
        QVERIFY(config.setConnection({{QStringLiteral("s3-endpoint"), QStringLiteral("https://file:2")},
                                      {QStringLiteral("s3-secret-key"), QStringLiteral("filesecret")}},
                                     env));
        QCOMPARE(config.endpoint.toString(), QStringLiteral("https://file:2"));
        QCOMPARE(config.accessKey, QStringLiteral("envkey"));
        QCOMPARE(config.secretKey, QStringLiteral("filesecret"));
        const Status missing = config.setConnection({}, {});
        QVERIFY(!missing);
        QVERIFY(missing.error().message.contains(QStringLiteral("ROOMREC_S3_ENDPOINT")));
    }

    void listPartsAndErrors()
    {
        const QByteArray list = "<ListPartsResult><IsTruncated>true</IsTruncated><NextPartNumberMarker>2</NextPartNumberMarker>"
                                "<Part><PartNumber>1</PartNumber><ETag>\"AB12\"</ETag><Size>5</Size></Part>"
                                "<Part><PartNumber>2</PartNumber><ETag>cd34</ETag><Size>7</Size></Part></ListPartsResult>";
        bool truncated = false;
        int next = 0;
        const auto parts = S3Xml::parts(list, &truncated, &next);
        QCOMPARE(parts.size(), 2);
        QCOMPARE(parts.at(0).etag, QByteArray("ab12"));
        QCOMPARE(parts.at(1).size, 7);
        QVERIFY(truncated);
        QCOMPARE(next, 2);
        QCOMPARE(S3Xml::error("<Error><Code>NoSuchUpload</Code><Message>gone</Message></Error>"), QStringLiteral("NoSuchUpload: gone"));
        QVERIFY(S3Xml::error("<CompleteMultipartUploadResult/>").isEmpty());
        QCOMPARE(S3Xml::uploadId("<InitiateMultipartUploadResult><Bucket>b</Bucket><UploadId>xyz</UploadId></InitiateMultipartUploadResult>"),
                 QStringLiteral("xyz"));
    }
};

QTEST_GUILESS_MAIN(TstS3Presigner)
#include "tst_s3presigner.moc"
