#pragma once

#include "media/mediaclock.h"
#include "media/pipelinethread.h"

#include <memory>

namespace roomrec {

// Builds the publish pipelines the desktop app and the CLI use, with the sources this
// machine has. Test sources are labelled as such in their description.
class PublishedStream {
public:
    enum class Source { TestPattern };

    struct Options {
        Source source = Source::TestPattern;
        VideoEncoderSettings video;
        bool withAudio = true; // the camera stream carries the microphone (or test tone)
    };

    // The clock must outlive the pipeline; share one per user for A/V sync.
    static std::unique_ptr<PublishPipeline> create(const MediaClock &clock, Track track, const Options &options);
};

} // namespace roomrec
