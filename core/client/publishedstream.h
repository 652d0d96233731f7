#pragma once

#include "common/result.h"
#include "media/encodersettings.h"
#include "media/farendreference.h"
#include "media/mediaclock.h"
#include "media/pipelinethread.h"
#include "media/screenregion.h"

#include <memory>

namespace roomrec {

// A source the user can pick, as listed for pickers and the CLI.
struct SourceChoice {
    QString id;    // what Options take: "testpattern", "testtone", "screen", "qscreen", a device ID
    QString label; // for people; test sources say they are tests
    bool isTest = false;
};

// Builds the publish pipelines the desktop app and the CLI use, from the sources this
// machine has: "auto" takes a real device when there is one and the labelled test source
// when there is not.
class PublishedStream {
public:
    struct Options {
        QString video = QStringLiteral("auto"); // camera: auto | testpattern | camera device ID
                                                 // sub-stream: auto | screen | qscreen | testpattern
        QString audio = QStringLiteral("auto"); // camera only: auto | testtone | none | microphone device ID
        ScreenRegion region;                    // sub-stream: whole screen or a region
        VideoEncoderSettings encoder;
        // What the speakers play: the microphone is echo-cancelled against it (camera only).
        std::shared_ptr<FarEndReference> echoReference;
    };

    // The clock must outlive the pipeline; share one per user for A/V sync.
    static Result<std::unique_ptr<PublishPipeline>> create(const MediaClock &clock, Track track, const Options &options);

    static QList<SourceChoice> videoChoices(Track track);
    static QList<SourceChoice> audioChoices();
};

} // namespace roomrec
