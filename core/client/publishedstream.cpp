#include "client/publishedstream.h"

#include "media/testpatternsource.h"
#include "media/testtonesource.h"

#include <QCoreApplication>

namespace roomrec {

std::unique_ptr<PublishPipeline> PublishedStream::create(const MediaClock &clock, Track track, const Options &options)
{
    const QString label = track == Track::SubStreamVideo
                              ? QCoreApplication::translate("PublishedStream", "Test pattern (no screen capture)")
                              : QCoreApplication::translate("PublishedStream", "Test pattern (no camera)");
    auto video = std::make_unique<TestPatternSource>(clock, options.video.size, options.video.frameRate, label);
    std::unique_ptr<AudioSource> audio;
    if (options.withAudio && track == Track::CameraVideo)
        audio = std::make_unique<TestToneSource>(clock);
    return std::make_unique<PublishPipeline>(std::move(video), std::move(audio), track, options.video);
}

} // namespace roomrec
