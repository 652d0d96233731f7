#include "configfile.h"

#include <QFile>

using namespace roomrec;

Result<QStringList> ConfigFile::arguments(const QString &path, const QHash<QString, bool> &options,
                                          const QStringList &fileOnly, QHash<QString, QString> *fileOnlyValues)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return Error{1, QStringLiteral("--config: %1: %2").arg(path, file.errorString())};
    QStringList out;
    int lineNumber = 0;
    while (!file.atEnd()) {
        ++lineNumber;
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const auto fail = [&](const QString &why) {
            return Error{1, QStringLiteral("--config: %1:%2: %3").arg(path).arg(lineNumber).arg(why)};
        };
        const qsizetype equals = line.indexOf(QLatin1Char('='));
        if (equals < 0)
            return fail(QStringLiteral("expected 'name = value'"));
        const QString name = line.left(equals).trimmed();
        QString value = line.mid(equals + 1).trimmed();
        if (value.size() >= 2 && value.startsWith(QLatin1Char('"')) && value.endsWith(QLatin1Char('"')))
            value = value.mid(1, value.size() - 2);
        if (fileOnly.contains(name) && fileOnlyValues) {
            fileOnlyValues->insert(name, value);
            continue;
        }
        if (!options.contains(name))
            return fail(QStringLiteral("unknown setting '%1'").arg(name));
        if (options.value(name)) {
            out << QStringLiteral("--") + name << value;
        } else if (value == QLatin1String("true")) {
            out << QStringLiteral("--") + name;
        } else if (value != QLatin1String("false")) {
            return fail(QStringLiteral("'%1' takes true or false").arg(name));
        }
    }
    return out;
}
