#include "recordcommand.h"

#include "clioptions.h"

#include "client/publishedstream.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimer>
#include <cstdio>

using namespace roomrec;

void RecordCommand::fail(int code, const QString &message)
{
    if (m_done)
        return; // requests still pending when we disconnected end with an error: not news
    printError(code, message);
    finish(m_reconnect ? m_reconnect->exitCodeFor(code) : 1);
}

RoomClient::ErrorCallback RecordCommand::failOrRetry(std::function<void()> step)
{
    return [this, step](int code, const QString &message) {
        if (m_reconnect && m_reconnect->isAway())
            m_retry = step;
        else
            fail(code, message);
    };
}

void RecordCommand::onReconnected(bool recordingResumed)
{
    // A recording that did not go on ended while we were away: RoomClient asks how and
    // reports it (recordingEnded), which ends the command; a stop now would only be refused.
    if (!recordingResumed && m_client.isRecording())
        return;
    if (std::function<void()> retry = std::exchange(m_retry, {}))
        retry();
}

void RecordCommand::finish(int exitCode)
{
    if (m_done)
        return;
    m_done = true;
    m_exitCode = exitCode;
    m_camera.reset();
    m_subStream.reset();
    m_client.disconnectFromServer();
    QCoreApplication::exit(exitCode);
}

int RecordCommand::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Record a stream for a while and print the file IDs."));
    parser.addHelpOption();
    CliOptions common(parser);
    const QCommandLineOption relation(QStringLiteral("relation-id"), QStringLiteral("Group (relation) ID."), QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption room(QStringLiteral("room-id"), QStringLiteral("Room ID."), QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption source(QStringLiteral("source"), QStringLiteral("Camera: testpattern (test backend, default), auto (first camera, else test pattern) or a camera ID."), QStringLiteral("SOURCE"), QStringLiteral("testpattern"));
    const QCommandLineOption screen(QStringLiteral("screen"), QStringLiteral("Sub-stream: auto, screen (libavdevice grabber), qscreen or testpattern (default)."), QStringLiteral("SOURCE"), QStringLiteral("testpattern"));
    const QCommandLineOption region(QStringLiteral("region"), QStringLiteral("Sub-stream region WxH+X+Y (default: whole screen)."), QStringLiteral("GEOMETRY"));
    const QCommandLineOption audio(QStringLiteral("audio"), QStringLiteral("Audio: testtone (default), auto, none or a microphone ID."), QStringLiteral("SOURCE"), QStringLiteral("testtone"));
    const QCommandLineOption encoder(QStringLiteral("encoder"), QStringLiteral("H.264 encoder: empty (libx264, else openh264), hardware, or an FFmpeg encoder name."), QStringLiteral("NAME"));
    const QCommandLineOption preset(QStringLiteral("preset"), QStringLiteral("libx264 preset (default veryfast)."), QStringLiteral("NAME"), QStringLiteral("veryfast"));
    const QCommandLineOption bitrate(QStringLiteral("bitrate"), QStringLiteral("Video bitrate in bit/s (default 1000000)."), QStringLiteral("N"), QStringLiteral("1000000"));
    const QCommandLineOption seconds(QStringLiteral("seconds"), QStringLiteral("How long to record."), QStringLiteral("S"), QStringLiteral("5"));
    const QCommandLineOption name(QStringLiteral("name"), QStringLiteral("File name (no suffix)."), QStringLiteral("NAME"));
    const QCommandLineOption tags(QStringLiteral("tags"), QStringLiteral("Comma-separated tags."), QStringLiteral("a,b"));
    const QCommandLineOption classId(QStringLiteral("class-id"), QStringLiteral("Category (class ID)."), QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption type(QStringLiteral("record-type"), QStringLiteral("What to record: camera (0) or sub-stream (1)."), QStringLiteral("TYPE"), QStringLiteral("camera"));
    const QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Video size (default 640x360)."), QStringLiteral("WxH"), QStringLiteral("640x360"));
    const QCommandLineOption fps(QStringLiteral("fps"), QStringLiteral("Frame rate (default 30)."), QStringLiteral("N"), QStringLiteral("30"));
    const QCommandLineOption transcode(QStringLiteral("transcode"), QStringLiteral("Ask for transcoding."));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"), QStringLiteral("Ask for screenshots."));
    const QCommandLineOption watermark(QStringLiteral("watermark"), QStringLiteral("Ask for a watermark."));
    parser.addOptions({relation, room, source, screen, region, audio, encoder, preset, bitrate, seconds, name, tags, classId,
                       type, size, fps, transcode, screenshot, watermark});
    ReconnectOption reconnect(parser);
    parser.process(arguments);

    auto server = common.server();
    if (!server)
        return printError(2, server.error().message);
    bool ok1 = false, ok2 = false, ok3 = false, ok4 = false, ok5 = false;
    const RoomInfo roomInfo{parser.value(relation).toUInt(&ok1), parser.value(room).toUInt(&ok2)};
    const double recordSeconds = parser.value(seconds).toDouble(&ok3);
    RecordParam param;
    param.fileName = parser.isSet(name) ? parser.value(name)
                                        : QStringLiteral("cli-") + QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    param.tags = parser.value(tags).split(QLatin1Char(','), Qt::SkipEmptyParts);
    param.classId = parser.value(classId).toUInt(&ok4);
    const QString typeName = parser.value(type);
    param.recordDataType = (typeName == QLatin1String("1") || typeName == QLatin1String("sub-stream")) ? RecordParam::SubStream : RecordParam::Camera;
    param.transcode = parser.isSet(transcode);
    param.screenshot = parser.isSet(screenshot);
    param.watermark = parser.isSet(watermark);
    const QStringList wh = parser.value(size).split(QLatin1Char('x'));
    VideoEncoderSettings video;
    video.size = wh.size() == 2 ? QSize(wh[0].toInt(), wh[1].toInt()) : QSize();
    video.frameRate = parser.value(fps).toInt(&ok5);
    video.gopFrames = video.frameRate * 2;
    video.encoder = parser.value(encoder);
    video.preset = parser.value(preset);
    video.bitrate = parser.value(bitrate).toInt();
    ScreenRegion screenRegion;
    if (parser.isSet(region)) {
        const auto m = QRegularExpression(QStringLiteral("^(\\d+)x(\\d+)\\+(\\d+)\\+(\\d+)$")).match(parser.value(region));
        if (!m.hasMatch())
            return printError(2, QStringLiteral("--region must look like 1280x720+0+0"));
        screenRegion.rect = QRect(m.captured(3).toInt(), m.captured(4).toInt(), m.captured(1).toInt(), m.captured(2).toInt());
    }
    if (!ok1 || !ok2 || !ok3 || !ok4 || !ok5 || recordSeconds <= 0 || video.size.isEmpty() || video.bitrate <= 0)
        return printError(2, QStringLiteral("bad option value; see --help"));
    if (Status valid = param.validate(); !valid)
        return printError(valid.error().code, valid.error().message);

    RecordCommand command;
    command.m_reconnect = &reconnect;
    PublishedStream::Options options;
    options.video = parser.value(source);
    options.audio = parser.value(audio);
    options.encoder = video;
    auto camera = PublishedStream::create(command.m_clock, Track::CameraVideo, options);
    if (!camera)
        return printError(camera.error().code, camera.error().message);
    if (Status s = camera.value()->open(); !s)
        return printError(s.error().code, s.error().message);
    std::fprintf(stderr, "camera: %s, encoder %s\n", qPrintable(camera.value()->videoDescription()),
                 qPrintable(camera.value()->encoderName()));
    PublishPipeline *cameraPipeline = camera.value().get();
    command.m_camera = std::make_unique<PipelineThread>(std::move(camera.value()));
    PublishPipeline *subPipeline = nullptr;
    if (param.recordDataType == RecordParam::SubStream) {
        options.video = parser.value(screen);
        options.region = screenRegion;
        auto sub = PublishedStream::create(command.m_clock, Track::SubStreamVideo, options);
        if (!sub)
            return printError(sub.error().code, sub.error().message);
        if (Status s = sub.value()->open(); !s)
            return printError(s.error().code, s.error().message);
        std::fprintf(stderr, "sub-stream: %s\n", qPrintable(sub.value()->videoDescription()));
        subPipeline = sub.value().get();
        command.m_subStream = std::make_unique<PipelineThread>(std::move(sub.value()));
    }
    RoomClient &client = command.m_client;
    client.setCaptureClockEpoch(command.m_clock.wallClockEpochUs()); // for watchers' latency
    if (!common.applyTls(client))
        return 2;
    if (!reconnect.apply(client))
        return 1; // a bad option value, as the others
    QObject::connect(&reconnect, &ReconnectOption::reconnected, &command, &RecordCommand::onReconnected);
    auto onError = [&command](int code, const QString &message) { command.fail(code, message); };
    QObject::connect(&client, &RoomClient::errorOccurred, &command, onError);
    QObject::connect(&client, &RoomClient::recordingEnded, &command,
                     [&command, &reconnect](const QStringList &ids, const QString &reason, int code, const QString &message) {
                         std::fprintf(stderr, "recording ended by the server (%s)\n", qPrintable(reason));
                         printJson(QJsonObject{{QStringLiteral("fileIds"), QJsonArray::fromStringList(ids)}});
                         if (code)
                             printError(code, message);
                         command.finish(code ? reconnect.exitCodeFor(code) : 0);
                     });

    // Each step after the connection is made again if a lost connection cut it off.
    std::function<void()> stop = [&command, &client, roomInfo, &stop] {
        if (client.state() == ClientState::Reconnecting) {
            command.m_retry = stop; // the time is up while away: stop once back
            return;
        }
        client.stopRecording(roomInfo, [&command, &client](const QStringList &ids) {
            std::fprintf(stderr, "recorded video frames sent: %lld\n", static_cast<long long>(client.recordedFramesSent()));
            printJson(QJsonObject{{QStringLiteral("fileIds"), QJsonArray::fromStringList(ids)}});
            command.finish(0);
        }, command.failOrRetry(stop));
    };
    std::function<void()> startRecording = [&command, &client, roomInfo, param, recordSeconds, &stop, &startRecording] {
        client.startRecording(roomInfo, param, [recordSeconds, &stop] {
            std::fprintf(stderr, "recording for %.1f s\n", recordSeconds);
            QTimer::singleShot(qint64(recordSeconds * 1000), stop);
        }, command.failOrRetry(startRecording));
    };
    std::function<void()> publishSubStream = [&command, &client, subPipeline, &startRecording, &publishSubStream] {
        if (!subPipeline || client.isPublished(Track::SubStreamVideo))
            return startRecording();
        command.m_subStream->start(); // once: a retry finds it running
        client.publish(subPipeline, startRecording, command.failOrRetry(publishSubStream));
    };
    std::function<void()> publish = [&command, &client, cameraPipeline, &publishSubStream, &publish] {
        if (client.isPublished(Track::CameraVideo))
            return publishSubStream();
        command.m_camera->start();
        client.publish(cameraPipeline, publishSubStream, command.failOrRetry(publish));
    };
    std::function<void()> join = [&command, &client, roomInfo, &publish, &join] {
        client.createOrJoinRoom(roomInfo, RoomKind::MultiParty, [&publish](const QStringList &) { publish(); },
                                command.failOrRetry(join));
    };
    client.connectToServer(server->host, server->port, common.user(), common.signature(), join, onError);
    const int code = QCoreApplication::exec();
    command.finish(code);
    return command.m_exitCode;
}
