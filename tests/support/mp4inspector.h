#pragma once

#include <QString>
#include <QStringList>

// Independent check of a recorded file: opens it with libavformat and decodes every
// packet with libavcodec, counting frames and decode errors (test support only).
struct Mp4Report {
    bool opened = false;
    QString error;
    QString formatName;
    int videoStreams = 0;
    int audioStreams = 0;
    QString videoCodec;
    QString audioCodec;
    int width = 0;
    int height = 0;
    double durationSeconds = 0;
    double videoStartSeconds = 0;
    int videoFramesDecoded = 0;
    int audioFramesDecoded = 0;
    int decodeErrors = 0;
    int keyFrames = 0;
    // Onsets of the test pattern's flash: the first of consecutive white frames (a frame the
    // publisher repeated to hold a constant rate is the same flash held, not a new one).
    QList<double> flashTimes;
    QList<double> beepTimes;  // audio onsets of the test tone's loud beep (seconds)
};

class Mp4Inspector {
public:
    // findMarkers: also find the test pattern's flashes and the test tone's beeps (A/V sync).
    static Mp4Report inspect(const QString &path, bool findMarkers = false);
};
