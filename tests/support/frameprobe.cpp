#include "frameprobe.h"

#include "mp4inspector.h"

#include <QProcess>
#include <QStandardPaths>

#include <algorithm>

namespace {
QString ffprobePath()
{
    return QStandardPaths::findExecutable(QStringLiteral("ffprobe"));
}
} // namespace

bool FrameProbe::available()
{
    return !ffprobePath().isEmpty();
}

FrameTimes FrameProbe::videoFrames(const QString &path)
{
    FrameTimes times;
    const QString ffprobe = ffprobePath();
    if (ffprobe.isEmpty()) {
        times.error = QStringLiteral("ffprobe is not installed (scripts/deps.sh installs ffmpeg)");
        return times;
    }
    QProcess probe;
    probe.start(ffprobe, {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-select_streams"), QStringLiteral("v:0"),
                          QStringLiteral("-show_entries"), QStringLiteral("stream=time_base,r_frame_rate,avg_frame_rate:packet=pts"),
                          QStringLiteral("-of"), QStringLiteral("compact=p=0:nk=0"), path});
    if (!probe.waitForFinished(60'000) || probe.exitCode() != 0) {
        times.error = QStringLiteral("ffprobe failed: ") + QString::fromUtf8(probe.readAllStandardError());
        return times;
    }
    const QString out = QString::fromUtf8(probe.readAllStandardOutput());
    QString timeBase;
    for (const QString &line : out.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        for (const QString &field : line.split(QLatin1Char('|'))) {
            const QString key = field.section(QLatin1Char('='), 0, 0);
            const QString value = field.section(QLatin1Char('='), 1);
            if (key == QLatin1String("pts"))
                times.pts << value.toLongLong();
            else if (key == QLatin1String("time_base"))
                timeBase = value;
            else if (key == QLatin1String("r_frame_rate"))
                times.frameRate = value;
            else if (key == QLatin1String("avg_frame_rate"))
                times.avgFrameRate = value;
        }
    }
    std::sort(times.pts.begin(), times.pts.end()); // decode order; no B-frames, but be sure
    times.timeBaseScale = timeBase.section(QLatin1Char('/'), 1).toLongLong();
    times.ok = times.timeBaseScale > 0 && !times.pts.isEmpty();
    if (!times.ok)
        times.error = QStringLiteral("unreadable ffprobe output: ") + out.left(2000);
    return times;
}

QStringList FrameTimes::offGrid(int fps) const
{
    // The exact slot times n * scale / fps, rounded to the file's timescale: a file is CFR
    // when every frame sits within one tick of its slot and no slot is missing or doubled.
    QStringList off;
    for (int n = 0; n < pts.size(); ++n) {
        const double slot = double(pts.first()) + double(n) * double(timeBaseScale) / fps;
        if (qAbs(double(pts[n]) - slot) > 1.0)
            off << QStringLiteral("frame %1 at %2, slot %3").arg(n).arg(pts[n]).arg(slot, 0, 'f', 1);
    }
    return off;
}

QString FrameProbe::everyFrameOnce(const QString &path, qint64 sent, int fps)
{
    const Mp4Report mp4 = Mp4Inspector::inspect(path);
    if (!mp4.opened)
        return mp4.error;
    if (mp4.decodeErrors != 0 || mp4.videoFramesDecoded != sent)
        return QStringLiteral("%1 frames decoded (%2 errors), %3 sent").arg(mp4.videoFramesDecoded).arg(mp4.decodeErrors).arg(sent);
    const FrameTimes times = videoFrames(path);
    if (!times.ok)
        return times.error;
    if (times.pts.size() != sent)
        return QStringLiteral("ffprobe reads %1 frames, %2 sent").arg(times.pts.size()).arg(sent);
    return times.offGrid(fps).mid(0, 10).join(QStringLiteral("; "));
}
