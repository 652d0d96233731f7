#include "translator.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace roomrec {

Translator::Translator() = default;

Translator::~Translator()
{
    if (m_app)
        QCoreApplication::removeTranslator(m_app.get());
    if (m_qt)
        QCoreApplication::removeTranslator(m_qt.get());
}

QStringList Translator::available()
{
    QStringList languages{QStringLiteral("en")};
    for (const QString &file : QDir(QStringLiteral(":/i18n")).entryList({QStringLiteral("roomrec_*.qm")})) {
        const QString language = file.mid(8).chopped(3);
        if (!languages.contains(language))
            languages << language;
    }
    return languages;
}

bool Translator::use(const QString &language)
{
    if (m_app) {
        QCoreApplication::removeTranslator(m_app.get());
        m_app.reset();
    }
    if (m_qt) {
        QCoreApplication::removeTranslator(m_qt.get());
        m_qt.reset();
    }
    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    auto app = std::make_unique<QTranslator>();
    if (!app->load(locale, QStringLiteral("roomrec"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        return locale.language() == QLocale::English; // English is the source language anyway
    QCoreApplication::installTranslator(app.get());
    m_app = std::move(app);
    auto qt = std::make_unique<QTranslator>();
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qt.get());
        m_qt = std::move(qt);
    }
    return true;
}

} // namespace roomrec
