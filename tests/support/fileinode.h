#pragma once

#include <QFile>
#include <QString>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

// Test support: the inode of a file, so a test can tell "changed in place" from "replaced by
// a copy" (0 where there is no such thing).
inline quint64 fileInode(const QString &path)
{
#ifdef Q_OS_UNIX
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? quint64(st.st_ino) : 0;
#else
    Q_UNUSED(path);
    return 0;
#endif
}
