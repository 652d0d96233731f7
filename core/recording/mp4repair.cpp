#include "recording/mp4repair.h"

#include "protocol/errorcode.h"

#include <QFile>
#include <QtEndian>

namespace roomrec {

Result<Mp4Repair::Outcome> Mp4Repair::repair(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite))
        return makeError(ErrorCode::StorageWriteFailed, QStringLiteral("%1: %2").arg(path, file.errorString()));
    Outcome outcome;
    outcome.originalSize = file.size();
    qint64 offset = 0;
    qint64 goodEnd = -1; // end of the last box after which the file is consistent
    bool haveMoov = false;
    bool pendingMoof = false;
    while (offset + 8 <= outcome.originalSize) {
        if (!file.seek(offset))
            break;
        const QByteArray header = file.read(16);
        if (header.size() < 8)
            break;
        quint64 size = qFromBigEndian<quint32>(header.constData());
        const QByteArray type = header.mid(4, 4);
        if (size == 1) {
            if (header.size() < 16)
                break;
            size = qFromBigEndian<quint64>(header.constData() + 8);
        }
        if (size < 8 || offset + qint64(size) > outcome.originalSize)
            break; // size 0 ("to end of file") or a box cut off by the crash
        offset += qint64(size);
        if (type == "moov") {
            haveMoov = true;
            goodEnd = offset;
        } else if (type == "moof") {
            pendingMoof = true;
        } else if (type == "mdat" && pendingMoof) {
            pendingMoof = false;
            ++outcome.fragments;
            goodEnd = offset;
        } else if (!pendingMoof && haveMoov) {
            goodEnd = offset; // mfra and other complete boxes after a fragment
        }
    }
    if (!haveMoov || goodEnd < 0)
        return makeError(ErrorCode::MuxerFailed, QStringLiteral("%1: no complete MP4 header").arg(path));
    if (goodEnd < outcome.originalSize && !file.resize(goodEnd))
        return makeError(ErrorCode::StorageWriteFailed, file.errorString());
    outcome.repairedSize = goodEnd;
    return outcome;
}

} // namespace roomrec
