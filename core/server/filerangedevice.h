#pragma once

#include <QFile>

namespace roomrec {

// A read-only window [offset, offset + length) of a file, as a device of its own, so an
// HTTP Range answer streams in chunks as the client reads (QHttpServerResponder), instead of
// being read whole into memory on the network thread first.
class FileRangeDevice : public QIODevice {
public:
    FileRangeDevice(const QString &path, qint64 offset, qint64 length);

    bool open(OpenMode mode) override;
    void close() override;
    bool isSequential() const override { return false; }
    qint64 size() const override { return m_length; }

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    QFile m_file;
    qint64 m_offset;
    qint64 m_length;
};

} // namespace roomrec
