#pragma once

#include "media/farendreference.h"

#include <QAudioDevice>
#include <QElapsedTimer>

#include <memory>

namespace roomrec {

// How RemoteMedia decodes and plays (RemoteMedia::Options).
struct RemoteMediaOptions {
    int pictureMaxWidth = 640;
    QAudioDevice audioDevice;   // null: the default output
    bool forceTestSink = false; // headless: consume audio at the real-time rate, play nothing
    // The receiver clock `presented` times are on: a started timer to compare them with
    // another (a benchmark's); invalid: RemoteMedia starts its own.
    QElapsedTimer clock;
    std::shared_ptr<FarEndReference> echoReference; // gets what is played, for the microphone's AEC
};

} // namespace roomrec
