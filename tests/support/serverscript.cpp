#include "serverscript.h"

#include "catalogprobe.h"
#include "servercalls.h"
#include "protocol/controlmessage.h"
#include "protocol/errorcode.h"
#include "protocol/frame.h"
#include "protocol/framedecoder.h"
#include "protocol/mediapacket.h"
#include "protocol/protocollimits.h"
#include "protocol/recordparam.h"
#include "protocol/streamparams.h"
#include "server/roomserver.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHash>
#include <QTcpSocket>
#include <QTimer>
#include <QtEndian>

#include <functional>

using namespace roomrec;

namespace {

const QString kUser = QStringLiteral("fuzz");
const RoomInfo kRoom{1, 1};
constexpr qint64 kMaxMediaBytesPerScript = 64LL * 1024 * 1024;
constexpr int kMaxOperations = 4096;
constexpr int kWaitMs = 60'000; // generous: a sanitized build on a busy machine

// SPS/PPS of a 320x180 H.264 Main stream (libx264), used when a script brings none.
const QByteArray kSpsPps = QByteArray::fromHex("000000016742c00cda05067e7c04400000030040000007a3c50aa8"
                                               "0000000168ce0fc8");
// Sample rates with their AudioSpecificConfig sampling-frequency index.
const std::pair<int, int> kSampleRates[] = {{8000, 11}, {11025, 10}, {16000, 8}, {22050, 7}, {24000, 6}, {32000, 5},
                                            {44100, 4}, {48000, 3}, {64000, 2}, {88200, 1}, {96000, 0}};

class Reader {
public:
    explicit Reader(const QByteArray &data) : m_data(data) {}
    bool atEnd() const { return m_pos >= m_data.size(); }
    quint8 u8() { return atEnd() ? 0 : quint8(m_data[m_pos++]); }
    // Big endian; each read sequenced (the operands of | are evaluated in no set order).
    quint16 u16()
    {
        const quint16 high = u8();
        return quint16(high << 8 | u8());
    }
    quint32 u32()
    {
        const quint32 high = u16();
        return high << 16 | u16();
    }
    quint64 u64()
    {
        const quint64 high = u32();
        return high << 32 | u32();
    }
    QByteArray bytes(qsizetype n)
    {
        const QByteArray out = m_data.mid(m_pos, n);
        m_pos += out.size();
        return out;
    }

private:
    const QByteArray &m_data;
    qsizetype m_pos = 0;
};

VideoParams readVideo(Reader &in)
{
    VideoParams v;
    v.width = 16 + in.u16() % (7680 - 15);
    v.height = 16 + in.u16() % (4320 - 15);
    v.frameRateNum = 1 + in.u8();
    v.frameRateDen = 1 + in.u8();
    const int length = in.u8();
    v.extradata = length ? in.bytes(length) : kSpsPps;
    if (v.extradata.isEmpty())
        v.extradata = kSpsPps;
    return v;
}

AudioParams readAudio(Reader &in)
{
    AudioParams a;
    const auto [rate, frequencyIndex] = kSampleRates[in.u8() % std::size(kSampleRates)];
    a.sampleRate = rate;
    a.channels = 1 + in.u8() % 8;
    const int length = in.u8();
    a.extradata = in.bytes(length);
    if (a.extradata.isEmpty()) {
        // AudioSpecificConfig: AAC LC (2), sampling-frequency index, channel configuration.
        const quint16 asc = quint16(2 << 11 | frequencyIndex << 7 | (a.channels == 8 ? 7 : a.channels) << 3);
        a.extradata = QByteArray(2, Qt::Uninitialized);
        qToBigEndian(asc, a.extradata.data());
    }
    return a;
}

// Runs the event loop (server and client live in this thread) until done() or the timeout.
bool pumpUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer elapsed;
    elapsed.start();
    QTimer wake; // WaitForMoreEvents returns at least this often
    wake.start(5);
    while (!done()) {
        if (elapsed.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents);
    }
    return true;
}

// The client end: a plain socket, requests numbered, results kept by ID.
class Peer {
public:
    bool connect(quint16 port)
    {
        m_socket.connectToHost(QStringLiteral("127.0.0.1"), port);
        return pumpUntil([this] { return m_socket.state() == QAbstractSocket::ConnectedState || m_socket.state() == QAbstractSocket::UnconnectedState; },
                         kWaitMs)
               && m_socket.state() == QAbstractSocket::ConnectedState;
    }
    quint64 request(const QString &type, const QCborMap &fields)
    {
        const quint64 id = m_nextId++;
        sendRaw(Frame{FrameKind::Control, ControlMessage(type, id, fields).encode()}.encode());
        return id;
    }
    void sendRaw(const QByteArray &bytes) { m_socket.write(bytes); }
    // The result of request id; nullopt if the connection ends or the wait times out first.
    std::optional<ControlMessage> result(quint64 id, int timeoutMs = kWaitMs)
    {
        pumpUntil([&] { poll(); return m_results.contains(id) || dropped(); }, timeoutMs);
        poll();
        if (!m_results.contains(id))
            return std::nullopt;
        return m_results.take(id);
    }
    // Lets the server catch up when much is buffered, so memory stays bounded.
    void drain()
    {
        if (m_socket.bytesToWrite() > 4 * 1024 * 1024)
            pumpUntil([this] { poll(); return m_socket.bytesToWrite() < 1024 * 1024 || dropped(); }, kWaitMs);
    }
    bool dropped() const { return m_failed || m_socket.state() != QAbstractSocket::ConnectedState; }
    bool serverSentGarbage() const { return m_failed; }
    void close()
    {
        m_socket.abort();
    }

private:
    void poll()
    {
        if (m_failed || !m_socket.isOpen())
            return;
        m_decoder.feed(m_socket.readAll());
        for (;;) {
            auto next = m_decoder.next();
            if (!next) {
                m_failed = true;
                return;
            }
            if (!next.value())
                return;
            auto message = ControlMessage::decode(next.value()->payload);
            if (message && message->type() == QLatin1String("result"))
                m_results.insert(message->id(), message.value());
        }
    }

    QTcpSocket m_socket;
    FrameDecoder m_decoder;
    QHash<quint64, ControlMessage> m_results;
    quint64 m_nextId = 1;
    bool m_failed = false;
};

QByteArray mediaFrame(quint8 track, quint8 flags, qint64 pts, qint64 dts, quint32 duration, const QByteArray &payload)
{
    QByteArray out(5 + MediaPacket::kHeaderBytes, Qt::Uninitialized);
    char *p = out.data();
    qToBigEndian<quint32>(quint32(MediaPacket::kHeaderBytes + payload.size()), p);
    p[4] = char(FrameKind::Media);
    p[5] = char(track);
    p[6] = char(flags);
    qToBigEndian<qint64>(pts, p + 7);
    qToBigEndian<qint64>(dts, p + 15);
    qToBigEndian<quint32>(duration, p + 23);
    return out + payload;
}

QCborMap publishFields(int track, const VideoParams &video, const std::optional<AudioParams> &audio)
{
    QCborMap fields{{QStringLiteral("track"), track}, {QStringLiteral("video"), video.toCbor()}};
    if (audio)
        fields.insert(QStringLiteral("audio"), audio->toCbor());
    return fields;
}

QCborMap roomFields()
{
    return {{QStringLiteral("relationId"), qint64(kRoom.relationId)}, {QStringLiteral("roomId"), qint64(kRoom.roomId)}};
}

} // namespace

ServerConfig ServerScript::serverConfig(const QString &dataDir)
{
    ServerConfig config;
    config.port = 0;
    config.httpEnabled = false;
    config.dataDir = dataDir;
    config.segmentSeconds = 1;
    config.idleTimeoutMs = 3600'000;
    config.keyFrameTimeoutMs = 3600'000;
    config.minFreeBytes = 0;
    config.deadPeerMs = 3600'000;
    config.signInTimeoutMs = 3600'000;
    return config;
}

ServerScriptReport ServerScript::run(RoomServer &server, const QByteArray &script,
                                     const std::function<void(const ServerScriptReport &)> &check)
{
    ServerScriptReport report;
    Reader in(script);
    const quint8 setup = in.u8();
    const bool subStream = setup & 2;
    const bool withAudio = (setup & 1) && !subStream;
    RecordParam param;
    param.fileName = QStringLiteral("script");
    param.tags = {QStringLiteral("script")};
    param.recordDataType = subStream ? RecordParam::SubStream : RecordParam::Camera;
    param.screenshot = setup & 4;
    param.transcode = setup & 8;
    param.watermark = setup & 16;
    const int track = subStream ? 1 : 0;
    const VideoParams video = readVideo(in);
    const std::optional<AudioParams> audio = withAudio ? std::optional<AudioParams>(readAudio(in)) : std::nullopt;

    Peer peer;
    auto prologue = [&]() -> QString {
        if (!peer.connect(server.port()))
            return QStringLiteral("connect");
        const std::pair<QString, QCborMap> steps[] = {
            {QStringLiteral("hello"), {{QStringLiteral("version"), protocol::kVersion}}},
            {QStringLiteral("signIn"), {{QStringLiteral("userId"), kUser}}},
            {QStringLiteral("createRoom"), roomFields()},
            {QStringLiteral("publish"), publishFields(track, video, audio)},
        };
        for (const auto &[type, fields] : steps) {
            auto reply = peer.result(peer.request(type, fields));
            if (reply && !reply->isOk() && type == QLatin1String("publish")
                && reply->error().code == int(ErrorCode::InvalidStreamParams)) {
                // The script's SPS/PPS were refused, rightly: record with the built-in ones.
                VideoParams valid = video;
                valid.extradata = kSpsPps;
                reply = peer.result(peer.request(type, publishFields(track, valid, audio)));
            }
            if (!reply || !reply->isOk())
                return type + QLatin1String(": ") + (reply ? reply->error().toString() : QStringLiteral("no reply"));
        }
        QCborMap start = roomFields();
        start.insert(QStringLiteral("param"), param.toCbor());
        auto reply = peer.result(peer.request(QStringLiteral("startRecording"), start));
        if (!reply || !reply->isOk())
            return QStringLiteral("startRecording: ") + (reply ? reply->error().toString() : QStringLiteral("no reply"));
        return {};
    };
    report.failure = prologue();
    report.connected = report.failure.isEmpty();

    if (report.connected) {
        quint64 clock = 0; // dts of the last packet, as unsigned so it wraps instead of overflowing
        for (int op = 0; op < kMaxOperations && !in.atEnd() && !peer.dropped(); ++op) {
            const int kind = in.u8() % 16;
            if (kind <= 10) {
                const quint8 desc = in.u8();
                const quint8 mediaTrack = desc & 3;
                const quint8 flags = ((desc & 4) ? 1 : 0) | ((desc & 8) ? 2 : 0);
                const int timing = (desc >> 4) & 3;
                qint64 pts = 0;
                qint64 dts = 0;
                if (timing == 2) {
                    pts = qint64(in.u64());
                    dts = qint64(in.u64());
                    clock = quint64(dts);
                } else {
                    const quint64 step = in.u16();
                    const quint64 offset = in.u8();
                    clock = timing == 0 ? clock + step * 16 : timing == 1 ? clock - step * 16 : clock + step * 65536;
                    dts = qint64(clock);
                    pts = qint64(clock + offset * 1000);
                }
                const quint32 duration = (desc & 0x80) ? in.u32() : quint32(in.u16()) * 16;
                const quint16 size = in.u16();
                QByteArray payload;
                if (desc & 0x40) {
                    const QByteArray pattern = in.bytes(64);
                    const qsizetype n = qsizetype(size) * 128;
                    if (report.mediaBytes + n > kMaxMediaBytesPerScript)
                        break;
                    payload = pattern.isEmpty() ? QByteArray(n, '\0') : pattern.repeated(n / pattern.size() + 1).left(n);
                } else {
                    payload = in.bytes(size);
                }
                report.mediaBytes += payload.size();
                ++report.mediaPackets;
                peer.sendRaw(mediaFrame(mediaTrack, flags, pts, dts, duration, payload));
            } else if (kind == 11 || kind == 15) {
                const int publishTrack = kind == 11 ? track : 1 - track;
                const VideoParams v = readVideo(in);
                const std::optional<AudioParams> a = (kind == 11 && withAudio) ? std::optional<AudioParams>(readAudio(in)) : std::nullopt;
                peer.request(QStringLiteral("publish"), publishFields(publishTrack, v, a));
                ++report.controlRequests;
            } else if (kind == 12) {
                peer.request(QStringLiteral("unpublish"), {{QStringLiteral("track"), in.u8() % 3}});
                ++report.controlRequests;
            } else if (kind == 13) {
                peer.request(QStringLiteral("stopRecording"), roomFields());
                QCborMap start = roomFields();
                start.insert(QStringLiteral("param"), param.toCbor());
                peer.request(QStringLiteral("startRecording"), start);
                report.controlRequests += 2;
            } else { // 14
                peer.sendRaw(in.bytes(in.u8()));
            }
            peer.drain();
        }
        // Everything sent before the ping has been handled once its result is back.
        if (!peer.dropped() && !peer.result(peer.request(QStringLiteral("ping"), {})) && !peer.dropped())
            report.failure = QStringLiteral("the server did not answer a ping");
        if (!peer.dropped())
            (void)peer.result(peer.request(QStringLiteral("stopRecording"), roomFields()));
        report.dropped = peer.dropped();
        if (peer.serverSentGarbage())
            report.failure = QStringLiteral("the server sent a frame that does not decode");
    }
    // Whatever the connection did, the user's recording ends here (a dropped connection
    // leaves it waiting for the idle timeout).
    (void)server.stopRecordingFor(kUser, kRoom);
    peer.close();
    if (!pumpUntil([&server] { return server.sessionCount() == 0; }, kWaitMs) && report.failure.isEmpty())
        report.failure = QStringLiteral("the server kept the closed connection");
    server.waitForPostProcessing();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);

    FileFilter everything;
    everything.userId = kUser;
    everything.limit = 100000;
    if (auto files = catalogOf(server).files(everything))
        report.files = files.value();
    if (check)
        check(report);
    for (const FileRecord &file : std::as_const(report.files)) {
        if (Status s = ServerCalls::deleteFile(server, file.id); !s && report.failure.isEmpty())
            report.failure = QStringLiteral("delete %1: %2").arg(file.id).arg(s.error().toString());
    }
    return report;
}
