#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QUrlQuery>

#include <utility>

namespace roomrec {

// One request to the object store, run by S3Client on its worker thread. A body comes
// either from memory (`body`) or from a window of a local file the worker reads (a part
// of a recording: never read on the caller's thread).
struct S3Request {
    enum class Kind {
        Http,          // send it
        RemoveFiles,   // no request: delete `localFiles` (the worker does the disk work)
    };
    Kind kind = Kind::Http;
    QByteArray method = "GET";
    QString key;                 // object key; empty: the bucket itself
    QUrlQuery query;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QString bodyFile;            // read [bodyOffset, bodyOffset + bodyLength) from it
    qint64 bodyOffset = 0;
    qint64 bodyLength = 0;
    // With bodyFile: when the file window's MD5 (hex) equals this, the part is already on the
    // server (a resumed upload) and nothing is sent; the response says skipped.
    QByteArray skipIfMd5;
    QStringList localFiles;      // RemoveFiles
};

struct S3Response {
    int httpStatus = 0;          // 0: no HTTP answer (curlError says why)
    QString curlError;
    QHash<QByteArray, QByteArray> headers; // names in lower case
    QByteArray body;             // at most 1 MiB is kept
    QByteArray bodyMd5;          // hex MD5 of what was sent (bodyFile or body)
    bool skipped = false;        // skipIfMd5 matched: nothing sent
    QString localError;          // the local file could not be read or removed

    bool ok() const { return localError.isEmpty() && curlError.isEmpty() && httpStatus >= 200 && httpStatus < 300; }
    // One line for logs and the catalogue: the HTTP status and S3's error code and message.
    QString describe() const;
};

} // namespace roomrec
