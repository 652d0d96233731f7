#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace roomrec {

// The few S3 XML documents the uploader reads and writes.
class S3Xml {
public:
    struct Part {
        int number = 0;
        QByteArray etag; // hex MD5, without quotes
        qint64 size = 0;
    };
    // <InitiateMultipartUploadResult><UploadId>
    static QString uploadId(const QByteArray &xml);
    // <ListPartsResult><Part>... (one page; IsTruncated tells whether more follow)
    static QList<Part> parts(const QByteArray &xml, bool *truncated = nullptr, int *nextMarker = nullptr);
    // <Error><Code> and <Message>, empty when the document is not an error
    static QString error(const QByteArray &xml);
    static QByteArray completeMultipart(const QList<Part> &parts);
};

} // namespace roomrec
