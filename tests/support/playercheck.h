#pragma once

#include <QString>
#include <QStringList>

// What independent players make of a file, each through its own command-line tool run as a
// separate process (none shares our libavformat state): ffprobe and ffmpeg, GStreamer's
// gst-discoverer-1.0, mediainfo. A tool that is not installed leaves its fields at -1.
struct PlayerReport {
    QString ffprobeFormat;         // format_name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    double ffprobeSeconds = -1;    // format duration
    int ffprobeVideoFrames = -1;   // decoded (-count_frames) in the first video stream
    QString ffprobeErrors;         // its stderr at -v error
    QList<double> ffprobeStartTimes; // each stream's start_time, in stream order
    QString ffmpegDecodeErrors;    // `ffmpeg -v error -i FILE -f null -`: every stream decoded
    double gstreamerSeconds = -1;  // gst-discoverer-1.0 "Duration:"
    bool gstreamerSeekable = false;
    QString gstreamerOutput;
    double mediainfoSeconds = -1;  // General;%Duration%
    QString mediainfoFormat;       // General;%Format%, "MPEG-4"
    int mediainfoVideoFrames = -1; // Video;%FrameCount%
};

class PlayerCheck {
public:
    // The tools scripts/deps.sh installs for these checks that are missing here.
    static QStringList missingTools();
    static PlayerReport check(const QString &path);
    // The file's top-level boxes, in order ("ftyp", "mdat", "moov"); "!" for a box that
    // runs past the end of the file.
    static QStringList topLevelBoxes(const QString &path);
    // The child boxes of the last top-level moov.
    static QStringList lastMoovChildren(const QString &path);
};
