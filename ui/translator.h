#pragma once

#include <QString>
#include <QStringList>

#include <memory>

class QTranslator;

namespace roomrec {

// Loads the app's translation (compiled into the app) and Qt's own, by the system locale or
// an explicit language ("zh_CN", "en"); switching at run time retranslates open windows.
class Translator {
public:
    Translator();
    ~Translator();

    // "" = the system locale. Returns false if no translation exists for it (English stays).
    bool use(const QString &language);
    static QStringList available(); // languages with a translation, e.g. {"en", "zh_CN"}

private:
    std::unique_ptr<QTranslator> m_app;
    std::unique_ptr<QTranslator> m_qt;
};

} // namespace roomrec
