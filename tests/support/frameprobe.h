#pragma once

#include <QList>
#include <QString>

// Test support: every video frame's timestamp in a file as ffprobe reads it (an independent
// reader), and whether they sit on a constant-rate grid with no slot missing or doubled.
struct FrameTimes {
    bool ok = false;
    QString error;      // ffprobe missing or failing; its output when unreadable
    QList<qint64> pts;  // video packets' pts, sorted, in timeBaseScale units
    qint64 timeBaseScale = 0; // time base 1/scale
    QString frameRate;  // ffprobe's r_frame_rate ("30/1")
    QString avgFrameRate;

    // The frames off their slot n * scale / fps (from the first) by more than one tick,
    // described for a failure message; empty when the timeline is constant-rate and whole.
    QStringList offGrid(int fps) const;
};

class FrameProbe {
public:
    static bool available();
    static FrameTimes videoFrames(const QString &path);
    // Every one of the `sent` frames is in the file once (decoded by libavcodec without an
    // error, read by ffprobe), each on its slot of the fps grid: no hole where a connection
    // was down, nothing doubled where a backlog was resent. Returns what is wrong, or nothing.
    static QString everyFrameOnce(const QString &path, qint64 sent, int fps);
};
