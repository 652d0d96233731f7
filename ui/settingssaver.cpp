#include "settingssaver.h"

#include <QMutexLocker>

namespace roomrec {

SettingsSaver::SettingsSaver(QObject *parent) : QObject(parent)
{
    m_pool.setMaxThreadCount(1);
}

SettingsSaver::~SettingsSaver()
{
    m_pool.waitForDone();
}

void SettingsSaver::save(const AppSettings &settings, const QString &path)
{
    {
        QMutexLocker lock(&m_mutex);
        m_pending = qMakePair(settings, path);
    }
    ++m_outstanding;
    m_pool.start([this] {
        std::optional<QPair<AppSettings, QString>> next;
        {
            QMutexLocker lock(&m_mutex);
            next.swap(m_pending);
        }
        if (next) // else an earlier run already wrote the newest snapshot
            next->first.save(next->second);
        QMetaObject::invokeMethod(this, [this] {
            if (--m_outstanding == 0)
                emit idle();
        }, Qt::QueuedConnection);
    });
}

} // namespace roomrec
