#pragma once

#include <QList>
#include <QPair>
#include <QRect>
#include <QString>

namespace roomrec {

// What the desktop app remembers between runs (QSettings, INI format): connection, last
// room, chosen devices, named categories, encoder preset, language.
struct AppSettings {
    bool hostLocally = true;
    QString serverAddress = QStringLiteral("127.0.0.1:7707");
    QString userId;
    QString signature;
    bool tls = false;
    quint32 relationId = 1;
    quint32 roomId = 1;
    bool oneOnOne = false;
    QString cameraSource = QStringLiteral("auto");
    QString screenSource = QStringLiteral("auto");
    QRect screenRegion; // empty: the whole screen
    QString audioSource = QStringLiteral("auto");
    QList<QPair<QString, quint32>> categories; // name -> class ID
    QString encoderPreset = QStringLiteral("veryfast");
    QString language; // empty: the system's

    // An empty path means the platform's usual settings location.
    static AppSettings load(const QString &path = {});
    void save(const QString &path = {}) const;
};

} // namespace roomrec
