// Every user-visible string has a translation: lupdate extracts the strings from the
// sources as they are now, and each must be translated (not "unfinished", not empty) in
// every translations/*.ts.
#include <QDir>
#include <QDomDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

class TestTranslations : public QObject {
    Q_OBJECT
private slots:
    void everyStringIsTranslated_data();
    void everyStringIsTranslated();
};

namespace {
// context \x1f source -> translation ("" when unfinished); pluralOnly: numerus messages only
QHash<QString, QString> messages(const QString &tsPath, bool pluralOnly = false)
{
    QHash<QString, QString> out;
    QFile file(tsPath);
    if (!file.open(QIODevice::ReadOnly))
        return out;
    QDomDocument doc;
    doc.setContent(&file);
    const QDomNodeList contexts = doc.elementsByTagName(QStringLiteral("context"));
    for (int c = 0; c < contexts.size(); ++c) {
        const QDomElement context = contexts.at(c).toElement();
        const QString name = context.firstChildElement(QStringLiteral("name")).text();
        for (QDomElement m = context.firstChildElement(QStringLiteral("message")); !m.isNull();
             m = m.nextSiblingElement(QStringLiteral("message"))) {
            if (pluralOnly && m.attribute(QStringLiteral("numerus")) != QLatin1String("yes"))
                continue;
            const QDomElement t = m.firstChildElement(QStringLiteral("translation"));
            const bool finished = t.attribute(QStringLiteral("type")).isEmpty();
            QString text = t.text();
            if (t.firstChildElement(QStringLiteral("numerusform")).isElement())
                text = t.firstChildElement(QStringLiteral("numerusform")).text();
            out.insert(name + QChar(0x1f) + m.firstChildElement(QStringLiteral("source")).text(),
                       finished ? text.trimmed() : QString());
        }
    }
    return out;
}
} // namespace

void TestTranslations::everyStringIsTranslated_data()
{
    QTest::addColumn<QString>("ts");
    const QDir dir(QStringLiteral(ROOMREC_SOURCE_DIR "/translations"));
    const QStringList files = dir.entryList({QStringLiteral("*.ts")});
    QVERIFY2(!files.isEmpty(), "no translations");
    for (const QString &f : files)
        QTest::newRow(qPrintable(f)) << dir.filePath(f);
}

void TestTranslations::everyStringIsTranslated()
{
    QFETCH(QString, ts);
    QTemporaryDir tmp;
    const QString fresh = tmp.filePath(QStringLiteral("fresh.ts"));
    QProcess lupdate;
    lupdate.setWorkingDirectory(QStringLiteral(ROOMREC_SOURCE_DIR));
    lupdate.start(QStringLiteral(ROOMREC_LUPDATE), {QStringLiteral("-silent"), QStringLiteral("-locations"), QStringLiteral("none"),
                                                    QStringLiteral("core"), QStringLiteral("ui"), QStringLiteral("app"),
                                                    QStringLiteral("-ts"), fresh});
    QVERIFY(lupdate.waitForFinished(60'000));
    QCOMPARE(lupdate.exitCode(), 0);
    // The English file only gives plural forms ("1 file" / "2 files"); others translate all.
    const bool pluralOnly = ts.endsWith(QLatin1String("_en.ts"));
    const auto current = messages(fresh, pluralOnly);
    QVERIFY(pluralOnly ? current.size() >= 1 : current.size() > 100);
    const auto translated = messages(ts);
    QStringList missing;
    for (auto it = current.begin(); it != current.end(); ++it) {
        if (translated.value(it.key()).isEmpty())
            missing << QString(it.key()).replace(QChar(0x1f), QStringLiteral(": "));
    }
    QVERIFY2(missing.isEmpty(), qPrintable(QStringLiteral("%1 string(s) without a translation in %2 (run lupdate, then translate):\n  %3")
                                               .arg(missing.size()).arg(QFileInfo(ts).fileName(), missing.join(QStringLiteral("\n  ")))));
}

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
