#include "client/publishedstream.h"

#include "media/camerasource.h"
#include "media/devicescreensource.h"
#include "media/microphonesource.h"
#include "media/screengrabsource.h"
#include "media/testpatternsource.h"
#include "media/testtonesource.h"
#include "protocol/errorcode.h"

#include <QCoreApplication>
#include <QGuiApplication>

namespace roomrec {

namespace {
Result<std::unique_ptr<VideoSource>> cameraSource(const MediaClock &clock, const QString &choice,
                                                  const VideoEncoderSettings &encoder)
{
    if (choice != QLatin1String("testpattern")) {
        for (const QCameraDevice &device : CameraSource::devices()) {
            if (choice == QLatin1String("auto") || device.id() == choice.toUtf8()) {
                const QCameraFormat format = CameraSource::bestFormat(device, encoder.size, encoder.frameRate);
                return std::unique_ptr<VideoSource>(std::make_unique<CameraSource>(clock, device, format));
            }
        }
        if (choice != QLatin1String("auto"))
            return makeError(ErrorCode::SourceUnavailable, QCoreApplication::translate("PublishedStream", "no camera '%1'").arg(choice));
    }
    return std::unique_ptr<VideoSource>(std::make_unique<TestPatternSource>(
        clock, encoder.size, encoder.frameRate, choice == QLatin1String("auto") ? QCoreApplication::translate("PublishedStream", "Test pattern (no camera)") : QCoreApplication::translate("PublishedStream", "Test pattern")));
}

Result<std::unique_ptr<VideoSource>> screenSource(const MediaClock &clock, const QString &choice,
                                                  const ScreenRegion &region, const VideoEncoderSettings &encoder)
{
    const bool any = choice == QLatin1String("auto");
    if (any || choice == QLatin1String("screen")) {
        auto grabber = std::make_unique<DeviceScreenSource>(clock, region, encoder.frameRate);
        const Status opened = grabber->open();
        if (opened)
            return std::unique_ptr<VideoSource>(std::move(grabber));
        if (!any)
            return opened.error();
    }
    if (any || choice == QLatin1String("qscreen")) {
        if (ScreenGrabSource::isAvailable())
            return std::unique_ptr<VideoSource>(std::make_unique<ScreenGrabSource>(clock, QGuiApplication::primaryScreen(), region, encoder.frameRate));
        if (!any)
            return makeError(ErrorCode::SourceUnavailable, QCoreApplication::translate("PublishedStream", "no screen to grab"));
    }
    if (!any && choice != QLatin1String("testpattern"))
        return makeError(ErrorCode::SourceUnavailable, QCoreApplication::translate("PublishedStream", "unknown screen source '%1'").arg(choice));
    return std::unique_ptr<VideoSource>(std::make_unique<TestPatternSource>(
        clock, encoder.size, encoder.frameRate, any ? QCoreApplication::translate("PublishedStream", "Test pattern (no screen capture)") : QCoreApplication::translate("PublishedStream", "Test pattern")));
}

Result<std::unique_ptr<AudioSource>> audioSource(const MediaClock &clock, const QString &choice)
{
    if (choice == QLatin1String("none"))
        return std::unique_ptr<AudioSource>();
    if (choice != QLatin1String("testtone")) {
        for (const QAudioDevice &device : MicrophoneSource::devices()) {
            if (choice == QLatin1String("auto") || device.id() == choice.toUtf8())
                return std::unique_ptr<AudioSource>(std::make_unique<MicrophoneSource>(clock, device));
        }
        if (choice != QLatin1String("auto"))
            return makeError(ErrorCode::SourceUnavailable, QCoreApplication::translate("PublishedStream", "no microphone '%1'").arg(choice));
    }
    return std::unique_ptr<AudioSource>(std::make_unique<TestToneSource>(clock));
}
} // namespace

Result<std::unique_ptr<PublishPipeline>> PublishedStream::create(const MediaClock &clock, Track track, const Options &options)
{
    auto video = track == Track::SubStreamVideo ? screenSource(clock, options.video, options.region, options.encoder)
                                                : cameraSource(clock, options.video, options.encoder);
    if (!video)
        return video.error();
    std::unique_ptr<AudioSource> audio;
    if (track == Track::CameraVideo) {
        auto chosen = audioSource(clock, options.audio);
        if (!chosen)
            return chosen.error();
        audio = std::move(chosen.value());
    }
    auto pipeline = std::make_unique<PublishPipeline>(std::move(video.value()), std::move(audio), track, options.encoder);
    pipeline->setEchoReference(options.echoReference);
    return pipeline;
}

QList<SourceChoice> PublishedStream::videoChoices(Track track)
{
    QList<SourceChoice> choices;
    if (track == Track::CameraVideo) {
        for (const QCameraDevice &device : CameraSource::devices())
            choices << SourceChoice{QString::fromUtf8(device.id()), device.description(), false};
    } else {
        if (DeviceScreenSource::isAvailable() && (!qEnvironmentVariableIsEmpty("DISPLAY") || DeviceScreenSource::grabberName() != QLatin1String("x11grab")))
            choices << SourceChoice{QStringLiteral("screen"), QCoreApplication::translate("PublishedStream", "Screen (%1)").arg(DeviceScreenSource::grabberName()), false};
        if (ScreenGrabSource::isAvailable())
            choices << SourceChoice{QStringLiteral("qscreen"), QCoreApplication::translate("PublishedStream", "Screen (Qt screen grab)"), false};
    }
    choices << SourceChoice{QStringLiteral("testpattern"), QCoreApplication::translate("PublishedStream", "Test pattern"), true};
    return choices;
}

QList<SourceChoice> PublishedStream::audioChoices()
{
    QList<SourceChoice> choices;
    for (const QAudioDevice &device : MicrophoneSource::devices())
        choices << SourceChoice{QString::fromUtf8(device.id()), device.description(), false};
    choices << SourceChoice{QStringLiteral("testtone"), QCoreApplication::translate("PublishedStream", "Test tone"), true};
    choices << SourceChoice{QStringLiteral("none"), QCoreApplication::translate("PublishedStream", "No audio"), false};
    return choices;
}

} // namespace roomrec
