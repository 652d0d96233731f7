#include "syncclient.h"

#include "client/publishedstream.h"
#include "protocol/errorcode.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QTest>
#include <QTimer>

using namespace roomrec;

SyncClient::SyncClient() = default;

SyncClient::~SyncClient()
{
    releasePipelines();
    m_client.disconnectFromServer();
}

template <typename T>
Result<T> SyncClient::wait(const std::function<void(std::function<void(const T &)>, RoomClient::ErrorCallback)> &call)
{
    QEventLoop loop;
    std::optional<Result<T>> result;
    call([&](const T &value) { result = Result<T>(value); loop.quit(); },
         [&](int code, const QString &message) { result = Result<T>(Error{code, message}); loop.quit(); });
    if (!result) {
        QTimer::singleShot(20'000, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return result ? *result : Result<T>(makeError(ErrorCode::ResponseTimeout, QStringLiteral("test wait")));
}

Status SyncClient::connect(quint16 port, const QString &user, const QString &signature)
{
    return wait<Done>([&](auto ok, auto err) {
        m_client.connectToServer(QStringLiteral("127.0.0.1"), port, user, signature, [ok] { ok(Done{}); }, err);
    });
}

Status SyncClient::enterAndPublish(quint16 port, const QString &user, const RoomInfo &room, QSize size, int fps, int gopFrames)
{
    if (Status s = connect(port, user); !s)
        return s;
    if (Status s = createRoom(room); !s)
        return s;
    return publish(Track::CameraVideo, size, fps, gopFrames);
}

Status SyncClient::connectTls(quint16 port, const QString &user, const QList<QSslCertificate> &trusted)
{
    m_client.setTls(true, trusted);
    return connect(port, user);
}

Status SyncClient::createRoom(const RoomInfo &room, RoomKind kind)
{
    return wait<Done>([&](auto ok, auto err) {
        m_client.createRoom(room, kind, [ok](const QStringList &) { ok(Done{}); }, err);
    });
}

Status SyncClient::joinRoom(const RoomInfo &room)
{
    return wait<Done>([&](auto ok, auto err) {
        m_client.joinRoom(room, [ok](const QStringList &) { ok(Done{}); }, err);
    });
}

Status SyncClient::leaveRoom()
{
    return wait<Done>([&](auto ok, auto err) { m_client.leaveRoom([ok] { ok(Done{}); }, err); });
}

Status SyncClient::publish(Track track, QSize size, int fps, int gopFrames)
{
    m_client.setCaptureClockEpoch(m_clock.wallClockEpochUs()); // subscribers measure latency with it
    PublishedStream::Options options;
    options.video = QStringLiteral("testpattern");
    options.audio = QStringLiteral("testtone");
    options.encoder.size = size;
    options.encoder.frameRate = fps;
    options.encoder.gopFrames = gopFrames;
    auto pipeline = PublishedStream::create(m_clock, track, options);
    if (!pipeline)
        return pipeline.error();
    if (Status s = pipeline.value()->open(); !s)
        return s;
    PublishPipeline *raw = pipeline.value().get();
    // Queued to this thread, in the order the client gets them (stopPublishing delivers the last).
    m_videoKeys[int(track)].clear();
    QObject::connect(raw, &PublishPipeline::packetReady, &m_client, [this, track](const MediaPacket &packet) {
        if (packet.isVideo() && packet.track == track)
            m_videoKeys[int(track)] << packet.key;
    });
    auto &slot = m_pipelines[int(track)];
    slot = std::make_unique<PipelineThread>(std::move(pipeline.value()));
    slot->start();
    return wait<Done>([&](auto ok, auto err) { m_client.publish(raw, [ok] { ok(Done{}); }, err); });
}

void SyncClient::stopPublishing()
{
    releasePipelines();
    // The pipeline thread's last packets are queued to this thread: hand them to the client
    // now, or a count read right after misses them and the file has "more than was sent".
    QCoreApplication::sendPostedEvents(nullptr, QEvent::MetaCall);
}

void SyncClient::releasePipelines()
{
    for (auto &p : m_pipelines)
        p.reset();
}

Status SyncClient::startRecording(const RoomInfo &room, const RecordParam &param)
{
    return wait<Done>([&](auto ok, auto err) { m_client.startRecording(room, param, [ok] { ok(Done{}); }, err); });
}

Result<QStringList> SyncClient::stopRecording(const RoomInfo &room)
{
    return wait<QStringList>([&](auto ok, auto err) { m_client.stopRecording(room, ok, err); });
}

bool SyncClient::recordFrames(qint64 frames, int timeoutMs)
{
    const qint64 target = m_client.recordedFramesSent() + frames;
    return QTest::qWaitFor([&] { return m_client.recordedFramesSent() >= target; }, timeoutMs);
}

Result<RecordingResult> SyncClient::recordingResult(const RoomInfo &room)
{
    return wait<RecordingResult>([&](auto ok, auto err) { m_client.queryRecordingResult(room, ok, err); });
}

Status SyncClient::startRecordingOf(const QString &userId, const RoomInfo &room, const RecordParam &param)
{
    return wait<Done>([&](auto ok, auto err) { m_client.startRecordingOf(userId, room, param, [ok] { ok(Done{}); }, err); });
}

Result<QStringList> SyncClient::stopRecordingOf(const QString &userId, const RoomInfo &room)
{
    return wait<QStringList>([&](auto ok, auto err) { m_client.stopRecordingOf(userId, room, ok, err); });
}

Result<RecordingResult> SyncClient::recordingResultOf(const QString &userId, const RoomInfo &room)
{
    return wait<RecordingResult>([&](auto ok, auto err) { m_client.queryRecordingResultOf(userId, room, ok, err); });
}

Result<FileRecord> SyncClient::fileInfo(quint64 id)
{
    return wait<FileRecord>([&](auto ok, auto err) { m_client.fileInfo(id, ok, err); });
}

Result<QList<FileRecord>> SyncClient::listFiles(const FileFilter &filter)
{
    return wait<QList<FileRecord>>([&](auto ok, auto err) { m_client.listFiles(filter, ok, err); });
}

RecordParam SyncClient::param(const QString &name, quint32 recordDataType)
{
    RecordParam p;
    p.fileName = name;
    p.tags = {QStringLiteral("test")};
    p.classId = 7;
    p.recordDataType = recordDataType;
    return p;
}
