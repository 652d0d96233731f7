#include "protocol/recordparam.h"

#include "protocol/errorcode.h"
#include "protocol/protocollimits.h"

#include <QCborArray>

namespace roomrec {

namespace {
bool hasControlCharacter(const QString &s)
{
    return std::any_of(s.begin(), s.end(), [](QChar c) { return c.category() == QChar::Other_Control || c.category() == QChar::Other_Format; });
}
} // namespace

Status RecordParam::validate() const
{
    const QString trimmed = fileName.trimmed();
    if (trimmed.isEmpty())
        return makeError(ErrorCode::InvalidFileName, QStringLiteral("empty"));
    if (fileName.size() > protocol::kMaxFileNameChars)
        return makeError(ErrorCode::FileNameTooLong);
    // Names become file names on every platform: refuse what Windows, macOS or Linux
    // would reject or misread, and leading/trailing blanks and dots.
    static const QString kForbidden = QStringLiteral("/\\:*?\"<>|");
    for (QChar c : fileName) {
        if (kForbidden.contains(c))
            return makeError(ErrorCode::InvalidFileName, QStringLiteral("character '%1'").arg(c));
    }
    if (hasControlCharacter(fileName) || trimmed != fileName || fileName.startsWith(QLatin1Char('.'))
        || fileName.endsWith(QLatin1Char('.')))
        return makeError(ErrorCode::InvalidFileName);
    if (tags.size() > protocol::kMaxTags)
        return makeError(ErrorCode::TooManyTags, QString::number(tags.size()));
    for (const QString &tag : tags) {
        if (tag.trimmed().isEmpty() || tag.size() > protocol::kMaxTagChars || tag.contains(QLatin1Char(','))
            || hasControlCharacter(tag))
            return makeError(ErrorCode::InvalidTag, tag.left(protocol::kMaxTagChars));
    }
    if (recordDataType > SubStream)
        return makeError(ErrorCode::InvalidRecordDataType, QString::number(recordDataType));
    if (sdkType > SdkEducation)
        return makeError(ErrorCode::InvalidSdkType, QString::number(sdkType));
    return success();
}

QCborMap RecordParam::toCbor() const
{
    QCborMap m;
    m.insert(QStringLiteral("fileName"), fileName);
    m.insert(QStringLiteral("tags"), QCborArray::fromStringList(tags));
    m.insert(QStringLiteral("classId"), qint64(classId));
    m.insert(QStringLiteral("transcode"), transcode);
    m.insert(QStringLiteral("screenshot"), screenshot);
    m.insert(QStringLiteral("watermark"), watermark);
    m.insert(QStringLiteral("sdkType"), qint64(sdkType));
    m.insert(QStringLiteral("recordDataType"), qint64(recordDataType));
    return m;
}

Result<RecordParam> RecordParam::fromCbor(const QCborMap &m)
{
    RecordParam p;
    const QCborValue name = m.value(QStringLiteral("fileName"));
    if (name.isUndefined())
        return makeError(ErrorCode::MissingField, QStringLiteral("fileName"));
    if (!name.isString())
        return makeError(ErrorCode::WrongFieldType, QStringLiteral("fileName"));
    // Keep the length check before copying so a huge string is refused cheaply.
    if (name.toString().size() > protocol::kMaxFileNameChars)
        return makeError(ErrorCode::FileNameTooLong);
    p.fileName = name.toString();

    const QCborValue tags = m.value(QStringLiteral("tags"));
    if (!tags.isUndefined()) {
        if (!tags.isArray())
            return makeError(ErrorCode::WrongFieldType, QStringLiteral("tags"));
        const QCborArray array = tags.toArray();
        if (array.size() > protocol::kMaxTags)
            return makeError(ErrorCode::TooManyTags, QString::number(array.size()));
        for (const QCborValue &tag : array) {
            if (!tag.isString())
                return makeError(ErrorCode::InvalidTag);
            p.tags << tag.toString();
        }
    }
    auto readUInt = [&m](const char *key, quint32 &out, ErrorCode rangeError) -> Status {
        const QCborValue v = m.value(QLatin1String(key));
        if (v.isUndefined())
            return success();
        if (!v.isInteger())
            return makeError(ErrorCode::WrongFieldType, QLatin1String(key));
        if (v.toInteger() < 0 || v.toInteger() > 0xFFFFFFFFLL)
            return makeError(rangeError, QString::number(v.toInteger()));
        out = quint32(v.toInteger());
        return success();
    };
    auto readBool = [&m](const char *key, bool &out) -> Status {
        const QCborValue v = m.value(QLatin1String(key));
        if (v.isUndefined())
            return success();
        if (!v.isBool())
            return makeError(ErrorCode::WrongFieldType, QLatin1String(key));
        out = v.toBool();
        return success();
    };
    for (const Status &s : {readUInt("classId", p.classId, ErrorCode::InvalidClassId),
                            readUInt("sdkType", p.sdkType, ErrorCode::InvalidSdkType),
                            readUInt("recordDataType", p.recordDataType, ErrorCode::InvalidRecordDataType),
                            readBool("transcode", p.transcode), readBool("screenshot", p.screenshot),
                            readBool("watermark", p.watermark)}) {
        if (!s)
            return s.error();
    }
    if (Status s = p.validate(); !s)
        return s.error();
    return p;
}

} // namespace roomrec
