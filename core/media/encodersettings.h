#pragma once

#include <QSize>
#include <QString>

namespace roomrec {

struct VideoEncoderSettings {
    QSize size{640, 360};
    int frameRate = 30;
    int bitrate = 1'000'000;   // bits per second
    int gopFrames = 60;        // a key frame at least every 2 s at 30 fps
    QString preset = QStringLiteral("veryfast"); // libx264 preset
    QString encoder;           // empty: best available (libx264, then libopenh264, then any H.264)
};

struct AudioEncoderSettings {
    int sampleRate = 48000;
    int channels = 2;
    int bitrate = 128'000;
};

} // namespace roomrec
