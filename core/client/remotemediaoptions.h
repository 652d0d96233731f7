#pragma once

#include <QAudioDevice>
#include <QElapsedTimer>

namespace roomrec {

// How RemoteMedia decodes and plays (RemoteMedia::Options).
struct RemoteMediaOptions {
    int pictureMaxWidth = 640;
    QAudioDevice audioDevice;   // null: the default output
    bool forceTestSink = false; // headless: consume audio at the real-time rate, play nothing
    // The receiver clock `presented` times are on: a started timer to compare them with
    // another (a benchmark's); invalid: RemoteMedia starts its own.
    QElapsedTimer clock;
};

} // namespace roomrec
