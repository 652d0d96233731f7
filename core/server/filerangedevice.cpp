#include "server/filerangedevice.h"

namespace roomrec {

FileRangeDevice::FileRangeDevice(const QString &path, qint64 offset, qint64 length)
    : m_file(path), m_offset(offset), m_length(length)
{
}

bool FileRangeDevice::open(OpenMode mode)
{
    if ((mode & WriteOnly) || !m_file.open(QIODevice::ReadOnly))
        return false;
    return QIODevice::open(mode);
}

void FileRangeDevice::close()
{
    m_file.close();
    QIODevice::close();
}

qint64 FileRangeDevice::readData(char *data, qint64 maxSize)
{
    const qint64 left = m_length - pos();
    if (left <= 0)
        return -1;
    if (!m_file.seek(m_offset + pos()))
        return -1;
    return m_file.read(data, qMin(maxSize, left));
}

} // namespace roomrec
