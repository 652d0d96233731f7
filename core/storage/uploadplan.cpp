#include "storage/uploadplan.h"

#include <QFileInfo>
#include <QJsonObject>
#include <QRegularExpression>

namespace roomrec {

QString UploadPlan::keyFor(const FileRecord &record, const QString &localPath, const S3Config &config)
{
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]"));
    QString name = QFileInfo(localPath).fileName();
    name.replace(unsafe, QStringLiteral("_"));
    return config.keyFor(QString::number(record.id) + QLatin1Char('/') + name);
}

QList<UploadPlan::Item> UploadPlan::of(const FileRecord &record, const S3Config &config)
{
    QList<Item> items;
    if (record.objectKey.isEmpty())
        items << Item{record.storagePath, keyFor(record, record.storagePath, config), -1};
    for (int i = 0; i < record.derived.size(); ++i) {
        const QJsonObject output = record.derived.at(i).toObject();
        const QString path = output.value(QStringLiteral("path")).toString();
        if (!path.isEmpty() && output.value(QStringLiteral("objectKey")).toString().isEmpty())
            items << Item{path, keyFor(record, path, config), i};
    }
    return items;
}

QStringList UploadPlan::storedKeys(const FileRecord &record)
{
    QStringList keys;
    if (!record.objectKey.isEmpty())
        keys << record.objectKey;
    for (const QJsonValue &v : record.derived) {
        const QString key = v.toObject().value(QStringLiteral("objectKey")).toString();
        if (!key.isEmpty())
            keys << key;
    }
    return keys;
}

} // namespace roomrec
