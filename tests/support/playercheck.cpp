#include "playercheck.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QtEndian>

namespace {
struct Run {
    bool ran = false;
    QString out;
    QString err;
};

Run run(const QString &tool, const QStringList &arguments)
{
    Run result;
    const QString exe = QStandardPaths::findExecutable(tool);
    if (exe.isEmpty())
        return result;
    QProcess p;
    p.start(exe, arguments);
    if (!p.waitForFinished(120'000)) {
        p.kill();
        p.waitForFinished();
        result.err = QStringLiteral("%1 timed out").arg(tool);
        return result;
    }
    result.ran = true;
    result.out = QString::fromUtf8(p.readAllStandardOutput());
    result.err = QString::fromUtf8(p.readAllStandardError()).trimmed();
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        result.err += QStringLiteral("\n(exit code %1)").arg(p.exitCode());
    return result;
}

struct Box {
    QByteArray type;
    qint64 offset = 0;
    qint64 size = 0;
    int header = 8;
    bool complete = false;
};

QList<Box> boxes(QFile &file, qint64 begin, qint64 end)
{
    QList<Box> out;
    for (qint64 pos = begin; pos + 8 <= end;) {
        file.seek(pos);
        const QByteArray h = file.read(16);
        Box b;
        b.offset = pos;
        b.type = h.mid(4, 4);
        b.size = qFromBigEndian<quint32>(h.constData());
        if (b.size == 1 && h.size() == 16) {
            b.size = qint64(qFromBigEndian<quint64>(h.constData() + 8));
            b.header = 16;
        } else if (b.size == 0) {
            b.size = end - pos;
        }
        b.complete = b.size >= b.header && pos + b.size <= end;
        out << b;
        if (!b.complete)
            break;
        pos += b.size;
    }
    return out;
}
} // namespace

QStringList PlayerCheck::missingTools()
{
    QStringList missing;
    for (const char *tool : {"ffprobe", "ffmpeg", "gst-discoverer-1.0", "mediainfo"}) {
        if (QStandardPaths::findExecutable(QLatin1String(tool)).isEmpty())
            missing << QLatin1String(tool);
    }
    return missing;
}

PlayerReport PlayerCheck::check(const QString &path)
{
    PlayerReport r;
    const Run probe = run(QStringLiteral("ffprobe"),
                          {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-count_frames"),
                           QStringLiteral("-select_streams"), QStringLiteral("v:0"), QStringLiteral("-show_entries"),
                           QStringLiteral("format=format_name,duration:stream=nb_read_frames"), QStringLiteral("-of"),
                           QStringLiteral("default=nw=1"), path});
    if (probe.ran) {
        r.ffprobeErrors = probe.err;
        for (const QString &line : probe.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            const QString value = line.section(QLatin1Char('='), 1);
            if (line.startsWith(QLatin1String("format_name=")))
                r.ffprobeFormat = value;
            else if (line.startsWith(QLatin1String("duration=")))
                r.ffprobeSeconds = value.toDouble();
            else if (line.startsWith(QLatin1String("nb_read_frames=")))
                r.ffprobeVideoFrames = value.toInt();
        }
    }
    const Run starts = run(QStringLiteral("ffprobe"), {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-show_entries"),
                                                       QStringLiteral("stream=start_time"), QStringLiteral("-of"),
                                                       QStringLiteral("csv=p=0"), path});
    for (const QString &line : starts.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        r.ffprobeStartTimes << line.trimmed().toDouble();
    const Run decode = run(QStringLiteral("ffmpeg"), {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-nostdin"),
                                                      QStringLiteral("-i"), path, QStringLiteral("-f"), QStringLiteral("null"),
                                                      QStringLiteral("-")});
    r.ffmpegDecodeErrors = decode.ran ? decode.err : QStringLiteral("ffmpeg not installed");

    const Run discover = run(QStringLiteral("gst-discoverer-1.0"), {path});
    if (discover.ran) {
        r.gstreamerOutput = discover.out + discover.err;
        const auto m = QRegularExpression(QStringLiteral("Duration: (\\d+):(\\d+):(\\d+\\.\\d+)")).match(discover.out);
        if (m.hasMatch())
            r.gstreamerSeconds = m.captured(1).toInt() * 3600 + m.captured(2).toInt() * 60 + m.captured(3).toDouble();
        r.gstreamerSeekable = discover.out.contains(QLatin1String("Seekable: yes"));
    }

    const Run info = run(QStringLiteral("mediainfo"), {QStringLiteral("--Output=General;%Duration%|%Format%"), path});
    if (info.ran) {
        const QStringList parts = info.out.trimmed().split(QLatin1Char('|'));
        if (parts.size() == 2 && !parts[0].isEmpty())
            r.mediainfoSeconds = parts[0].toDouble() / 1000.0;
        r.mediainfoFormat = parts.value(1);
        const Run frames = run(QStringLiteral("mediainfo"), {QStringLiteral("--Output=Video;%FrameCount%"), path});
        bool ok = false;
        const int n = frames.out.trimmed().toInt(&ok);
        if (ok)
            r.mediainfoVideoFrames = n;
    }
    return r;
}

QStringList PlayerCheck::topLevelBoxes(const QString &path)
{
    QFile file(path);
    QStringList out;
    if (!file.open(QIODevice::ReadOnly))
        return out;
    for (const Box &b : boxes(file, 0, file.size()))
        out << (b.complete ? QString::fromLatin1(b.type) : QStringLiteral("!"));
    return out;
}

QStringList PlayerCheck::lastMoovChildren(const QString &path)
{
    QFile file(path);
    QStringList out;
    if (!file.open(QIODevice::ReadOnly))
        return out;
    Box moov;
    for (const Box &b : boxes(file, 0, file.size())) {
        if (b.complete && b.type == "moov")
            moov = b;
    }
    if (moov.type.isEmpty())
        return out;
    for (const Box &b : boxes(file, moov.offset + moov.header, moov.offset + moov.size))
        out << QString::fromLatin1(b.type);
    return out;
}
