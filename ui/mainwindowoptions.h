#pragma once

#include <QString>

namespace roomrec {

struct MainWindowOptions {
    QString dataDir;       // the embedded server's recordings and catalogue
    QString settingsFile;  // empty: the platform's settings location (tests use a temp file)
    QString serverAddress; // command line: connect here instead of what the settings say
    QString userId;        // command line: overrides the settings
    QString signature;
    QString caFile;        // extra PEM certificate(s) to trust for TLS (e.g. a self-signed server)
    QString language;      // "zh_CN", "en"; empty: the saved choice, else the system locale
    bool autoStart = true; // connect (or host), join and publish as soon as the window opens
};

} // namespace roomrec
