#include "storage/s3xml.h"

#include "storage/s3request.h"

#include <QXmlStreamReader>

namespace roomrec {

namespace {
QByteArray unquoted(QString etag)
{
    etag = etag.trimmed();
    if (etag.startsWith(QLatin1Char('"')))
        etag.remove(0, 1);
    if (etag.endsWith(QLatin1Char('"')))
        etag.chop(1);
    return etag.toLatin1().toLower();
}
} // namespace

QString S3Xml::uploadId(const QByteArray &xml)
{
    QXmlStreamReader reader(xml);
    while (!reader.atEnd()) {
        reader.readNext();
        if (reader.isStartElement() && reader.name() == QLatin1String("UploadId"))
            return reader.readElementText();
    }
    return {};
}

QList<S3Xml::Part> S3Xml::parts(const QByteArray &xml, bool *truncated, int *nextMarker)
{
    QList<Part> out;
    Part current;
    bool inPart = false;
    QXmlStreamReader reader(xml);
    while (!reader.atEnd()) {
        reader.readNext();
        if (reader.isStartElement()) {
            const auto name = reader.name();
            if (name == QLatin1String("Part")) {
                inPart = true;
                current = Part();
            } else if (inPart && name == QLatin1String("PartNumber")) {
                current.number = reader.readElementText().toInt();
            } else if (inPart && name == QLatin1String("ETag")) {
                current.etag = unquoted(reader.readElementText());
            } else if (inPart && name == QLatin1String("Size")) {
                current.size = reader.readElementText().toLongLong();
            } else if (!inPart && name == QLatin1String("IsTruncated") && truncated) {
                *truncated = reader.readElementText() == QLatin1String("true");
            } else if (!inPart && name == QLatin1String("NextPartNumberMarker") && nextMarker) {
                *nextMarker = reader.readElementText().toInt();
            }
        } else if (reader.isEndElement() && reader.name() == QLatin1String("Part")) {
            inPart = false;
            out << current;
        }
    }
    return out;
}

QString S3Xml::error(const QByteArray &xml)
{
    QString code, message;
    bool isError = false;
    QXmlStreamReader reader(xml);
    while (!reader.atEnd()) {
        reader.readNext();
        if (!reader.isStartElement())
            continue;
        if (reader.name() == QLatin1String("Error"))
            isError = true;
        else if (isError && reader.name() == QLatin1String("Code"))
            code = reader.readElementText();
        else if (isError && reader.name() == QLatin1String("Message"))
            message = reader.readElementText();
    }
    if (!isError)
        return {};
    return message.isEmpty() ? code : code + QStringLiteral(": ") + message;
}

QByteArray S3Xml::completeMultipart(const QList<Part> &parts)
{
    QByteArray xml = "<CompleteMultipartUpload>";
    for (const Part &p : parts)
        xml += "<Part><PartNumber>" + QByteArray::number(p.number) + "</PartNumber><ETag>\"" + p.etag + "\"</ETag></Part>";
    xml += "</CompleteMultipartUpload>";
    return xml;
}

QString S3Response::describe() const
{
    if (!localError.isEmpty())
        return localError;
    if (!curlError.isEmpty())
        return QStringLiteral("object store unreachable: ") + curlError;
    const QString s3 = S3Xml::error(body);
    return QStringLiteral("object store answered HTTP %1%2").arg(httpStatus).arg(s3.isEmpty() ? QString() : QStringLiteral(" (") + s3 + QLatin1Char(')'));
}

} // namespace roomrec
