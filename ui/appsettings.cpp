#include "appsettings.h"

#include <QSettings>

#include <memory>

namespace roomrec {

namespace {
std::unique_ptr<QSettings> open(const QString &path)
{
    if (path.isEmpty())
        return std::make_unique<QSettings>();
    return std::make_unique<QSettings>(path, QSettings::IniFormat);
}
} // namespace

AppSettings AppSettings::load(const QString &path)
{
    auto s = open(path);
    AppSettings a;
    a.hostLocally = s->value(QStringLiteral("connection/hostLocally"), a.hostLocally).toBool();
    a.serverAddress = s->value(QStringLiteral("connection/server"), a.serverAddress).toString();
    a.userId = s->value(QStringLiteral("connection/user"), a.userId).toString();
    a.signature = s->value(QStringLiteral("connection/signature"), a.signature).toString();
    a.tls = s->value(QStringLiteral("connection/tls"), a.tls).toBool();
    a.relationId = s->value(QStringLiteral("room/relationId"), a.relationId).toUInt();
    a.roomId = s->value(QStringLiteral("room/roomId"), a.roomId).toUInt();
    a.oneOnOne = s->value(QStringLiteral("room/oneOnOne"), a.oneOnOne).toBool();
    a.cameraSource = s->value(QStringLiteral("devices/camera"), a.cameraSource).toString();
    a.screenSource = s->value(QStringLiteral("devices/screen"), a.screenSource).toString();
    a.audioSource = s->value(QStringLiteral("devices/audio"), a.audioSource).toString();
    a.screenRegion = s->value(QStringLiteral("devices/screenRegion"), a.screenRegion).toRect();
    a.encoderPreset = s->value(QStringLiteral("encoder/preset"), a.encoderPreset).toString();
    a.language = s->value(QStringLiteral("ui/language"), a.language).toString();
    const int n = s->beginReadArray(QStringLiteral("categories"));
    for (int i = 0; i < n; ++i) {
        s->setArrayIndex(i);
        a.categories << qMakePair(s->value(QStringLiteral("name")).toString(), s->value(QStringLiteral("classId")).toUInt());
    }
    s->endArray();
    return a;
}

void AppSettings::save(const QString &path) const
{
    auto s = open(path);
    s->setValue(QStringLiteral("connection/hostLocally"), hostLocally);
    s->setValue(QStringLiteral("connection/server"), serverAddress);
    s->setValue(QStringLiteral("connection/user"), userId);
    s->setValue(QStringLiteral("connection/signature"), signature);
    s->setValue(QStringLiteral("connection/tls"), tls);
    s->setValue(QStringLiteral("room/relationId"), relationId);
    s->setValue(QStringLiteral("room/roomId"), roomId);
    s->setValue(QStringLiteral("room/oneOnOne"), oneOnOne);
    s->setValue(QStringLiteral("devices/camera"), cameraSource);
    s->setValue(QStringLiteral("devices/screen"), screenSource);
    s->setValue(QStringLiteral("devices/audio"), audioSource);
    s->setValue(QStringLiteral("devices/screenRegion"), screenRegion);
    s->setValue(QStringLiteral("encoder/preset"), encoderPreset);
    s->setValue(QStringLiteral("ui/language"), language);
    s->beginWriteArray(QStringLiteral("categories"), int(categories.size()));
    for (int i = 0; i < categories.size(); ++i) {
        s->setArrayIndex(i);
        s->setValue(QStringLiteral("name"), categories[i].first);
        s->setValue(QStringLiteral("classId"), categories[i].second);
    }
    s->endArray();
    s->sync();
}

} // namespace roomrec
