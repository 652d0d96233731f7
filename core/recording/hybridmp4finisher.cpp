#include "recording/hybridmp4finisher.h"

#include "protocol/errorcode.h"
#include "recording/mp4boxreader.h"
#include "recording/mp4fragmentindex.h"
#include "recording/mp4moovbuilder.h"

#include <QFile>
#include <QtEndian>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace roomrec {

namespace {

struct TopBox {
    quint32 type = 0;
    qint64 offset = 0;
    qint64 size = 0; // as declared
    int header = 8;
    bool complete = false; // declared size within the file
    qint64 end() const { return offset + size; }
};

// Reads the file's boxes one header at a time; only moov and moof are read whole.
class Scanner {
public:
    explicit Scanner(QFile &file) : m_file(file), m_size(file.size()) {}

    // Nothing when fewer than 8 bytes are left or the read fails (then readFailed()).
    std::optional<TopBox> headerAt(qint64 offset)
    {
        if (offset + 8 > m_size)
            return std::nullopt;
        const QByteArray h = readAt(offset, qMin<qint64>(16, m_size - offset));
        if (h.size() < 8)
            return std::nullopt;
        TopBox box;
        box.offset = offset;
        box.size = qFromBigEndian<quint32>(h.constData());
        box.type = qFromBigEndian<quint32>(h.constData() + 4);
        if (box.size == 1) {
            if (h.size() < 16)
                return box; // incomplete
            box.size = qint64(qMin<quint64>(qFromBigEndian<quint64>(h.constData() + 8), quint64(INT64_MAX / 2)));
            box.header = 16;
        } else if (box.size == 0) {
            box.size = m_size - offset;
        }
        box.complete = box.size >= box.header && box.end() <= m_size;
        return box;
    }

    QByteArray readAt(qint64 offset, qint64 length)
    {
        if (!m_file.seek(offset)) {
            m_readFailed = true;
            return {};
        }
        QByteArray data = m_file.read(length);
        if (data.size() != length)
            m_readFailed = true;
        m_bytesRead += data.size();
        return data;
    }

    qint64 size() const { return m_size; }
    qint64 bytesRead() const { return m_bytesRead; }
    bool readFailed() const { return m_readFailed; }

private:
    QFile &m_file;
    qint64 m_size;
    qint64 m_bytesRead = 0;
    bool m_readFailed = false;
};

Error notFinishable(const QString &path, const QString &why)
{
    return makeError(ErrorCode::MuxerFailed, QStringLiteral("%1 left fragmented: %2").arg(path, why));
}

bool syncData(QFile &file)
{
#ifdef Q_OS_UNIX
    return ::fdatasync(file.handle()) == 0;
#else
    return file.flush();
#endif
}

// A short write (the disk filled up) leaves QFile's error unset.
QString ioError(const QFile &file)
{
    return file.error() == QFile::NoError ? QStringLiteral("short write (disk full?)") : file.errorString();
}

bool writeAt(QFile &file, qint64 offset, QByteArrayView bytes)
{
    return file.seek(offset) && file.write(bytes.data(), bytes.size()) == bytes.size();
}

} // namespace

Result<HybridMp4Finisher::Outcome> HybridMp4Finisher::finish(const QString &path, Step stopAfter)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite | QIODevice::Unbuffered))
        return makeError(ErrorCode::StorageWriteFailed, QStringLiteral("%1: %2").arg(path, file.errorString()));
    Scanner scan(file);
    Outcome outcome;
    outcome.sizeBefore = outcome.sizeAfter = scan.size();

    const auto ftyp = scan.headerAt(0);
    if (!ftyp || ftyp->type != fourcc("ftyp") || !ftyp->complete || ftyp->size > 4096)
        return notFinishable(path, QStringLiteral("no ftyp"));
    const qint64 reservedAt = ftyp->end();
    const auto reserved = scan.headerAt(reservedAt);
    if (reserved && reserved->type == fourcc("mdat") && reserved->complete) {
        const auto index = scan.headerAt(reserved->end());
        if (index && index->type == fourcc("moov") && index->complete && index->end() == scan.size()) {
            outcome.alreadyFinished = true;
            outcome.bytesRead = scan.bytesRead();
            return outcome;
        }
    }
    if (!reserved || reserved->type != fourcc("free") || reserved->size != kReservedBytes)
        return notFinishable(path, QStringLiteral("no reserved header after ftyp (written before hybrid files?)"));

    const auto init = scan.headerAt(reserved->end());
    if (!init || init->type != fourcc("moov") || !init->complete || init->size > kMaxHeaderBoxBytes)
        return notFinishable(path, QStringLiteral("no init moov"));
    const QByteArray initMoov = scan.readAt(init->offset, init->size);
    if (scan.readFailed())
        return makeError(ErrorCode::StorageWriteFailed, QStringLiteral("%1 left fragmented: read failed: %2")
                                                            .arg(path, file.errorString()));
    Mp4FragmentIndex index;
    if (Status s = index.readInit(QByteArrayView(initMoov).sliced(init->header)); !s)
        return notFinishable(path, s.error().message);

    // Fragments until the end, or until what an interrupted earlier finish left behind
    // (a staged index, complete or cut off): appending after it is as good, the mdat
    // swallows it.
    bool leftover = false;
    for (qint64 pos = init->end(); pos < scan.size() && !scan.readFailed();) {
        const auto box = scan.headerAt(pos);
        if (!box)
            break; // < 8 bytes: the start of a staged index header
        const bool ours = box->type == fourcc("free") || box->type == fourcc("moov");
        if (!box->complete) {
            if (ours)
                break;
            return notFinishable(path, QStringLiteral("a box cut off at %1 (repair it first)").arg(pos));
        }
        if (box->type == fourcc("moof")) {
            if (leftover)
                return notFinishable(path, QStringLiteral("a fragment after an index at %1").arg(pos));
            const auto mdat = scan.headerAt(box->end());
            if (box->size > kMaxHeaderBoxBytes || !mdat || mdat->type != fourcc("mdat") || !mdat->complete)
                return notFinishable(path, QStringLiteral("the moof at %1 has no mdat after it").arg(pos));
            const QByteArray moof = scan.readAt(box->offset, box->size);
            if (scan.readFailed())
                break;
            if (Status s = index.addFragment(moof, quint64(box->offset), quint64(mdat->offset + mdat->header),
                                             quint64(mdat->end()));
                !s)
                return notFinishable(path, s.error().message);
            pos = mdat->end();
            continue;
        }
        leftover = leftover || box->type == fourcc("moov");
        pos = box->end(); // mfra, free, skip, ...: opaque, inside the mdat when done
    }
    if (scan.readFailed())
        return makeError(ErrorCode::StorageWriteFailed, QStringLiteral("%1 left fragmented: read failed: %2")
                                                            .arg(path, file.errorString()));
    auto moov = Mp4MoovBuilder::build(initMoov, index);
    if (!moov)
        return notFinishable(path, moov.error().message);
    outcome.fragments = index.fragments();
    outcome.bytesRead = scan.bytesRead();

    // 1. The index goes after everything, as a free box: to any reader, nothing changed.
    const qint64 appendAt = scan.size();
    QByteArray staged = moov.value();
    qToBigEndian(fourcc("free"), staged.data() + 4);
    if (file.size() != appendAt)
        return makeError(ErrorCode::StorageWriteFailed, QStringLiteral("%1 changed while being finished").arg(path));
    if (!writeAt(file, appendAt, staged) || !syncData(file)) {
        const QString why = ioError(file);
        (void)file.resize(appendAt); // only our own bytes go
        return makeError(ErrorCode::StorageWriteFailed, QStringLiteral("%1 left fragmented: %2").arg(path, why));
    }
    outcome.bytesWritten = staged.size();
    outcome.sizeAfter = appendAt + staged.size();
    if (stopAfter == Step::Staged)
        return outcome;

    // 2. It becomes a moov. Readers still take the init moov, the first one they meet; this
    // must be on disk before step 3, or a crash could leave a file with no moov at all.
    if (!writeAt(file, appendAt + 4, QByteArrayView("moov", 4)) || !syncData(file))
        return makeError(ErrorCode::StorageWriteFailed, QStringLiteral("%1 left fragmented: %2").arg(path, ioError(file)));
    outcome.bytesWritten += 4;
    if (stopAfter == Step::IndexInPlace)
        return outcome;

    // 3. The flip: the reserved box becomes one mdat holding the init moov and every
    // fragment, so the only moov a reader finds is the complete one.
    char header[kReservedBytes];
    qToBigEndian(quint32(1), header); // 64-bit size follows
    qToBigEndian(fourcc("mdat"), header + 4);
    qToBigEndian(quint64(appendAt - reservedAt), header + 8);
    if (!writeAt(file, reservedAt, QByteArrayView(header, kReservedBytes)) || !syncData(file))
        return makeError(ErrorCode::StorageWriteFailed, QStringLiteral("%1 left fragmented: %2").arg(path, ioError(file)));
    outcome.bytesWritten += kReservedBytes;
    return outcome;
}

} // namespace roomrec
