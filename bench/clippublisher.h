#pragma once

// One RoomRec publisher speaking the wire protocol with raw frames (docs/protocol.md):
// hello, signIn, createRoom, publish (video + audio params with extradata), startRecording,
// then the clip's packets paced by their timestamps, then stopRecording once everything
// has left the socket. Many of them share one clip and one thread: the benchmark's
// load generator for bench_server.
#include "protocol/controlmessage.h"
#include "protocol/frame.h"
#include "protocol/framedecoder.h"
#include "protocol/mediapacket.h"
#include "protocol/protocollimits.h"
#include "protocol/recordparam.h"
#include "protocol/roominfo.h"
#include "protocol/streamparams.h"

#include <QCborArray>
#include <QTcpSocket>

#include <functional>
#include <memory>
#include <vector>

// The pre-encoded clip, read once: H.264 access units in Annex B, raw AAC frames, timestamps
// in µs shifted so that the first dts is 0, in dts order.
struct Clip {
    roomrec::VideoParams video;
    roomrec::AudioParams audio;
    std::vector<roomrec::MediaPacket> packets;
    qint64 videoPackets = 0;
    qint64 audioPackets = 0;
    double seconds = 0;
};

class ClipPublisher {
public:
    enum class State { Connecting, Handshake, Streaming, Draining, Stopping, Done, Failed };

    // record: start a recording before streaming and stop it at the end (bench_server); without,
    // it only publishes (bench_relay, where others subscribe).
    ClipPublisher(const Clip &clip, int index, qint64 notBeforeUs, bool record = true)
        : m_clip(clip), m_index(index), m_notBeforeUs(notBeforeUs), m_record(record)
    {
        m_room = roomrec::RoomInfo{1, quint32(index + 1)};
        QObject::connect(&m_socket, &QTcpSocket::connected, [this] { sendNextRequest(); });
        QObject::connect(&m_socket, &QTcpSocket::readyRead, [this] { readFrames(); });
        QObject::connect(&m_socket, &QTcpSocket::errorOccurred, [this](QAbstractSocket::SocketError) {
            fail(QStringLiteral("socket: %1").arg(m_socket.errorString()));
        });
    }

    void connectTo(quint16 port)
    {
        m_state = State::Connecting;
        m_socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    }

    // Called often by the driver with its clock (µs): sends what is due, pings, and stops
    // the recording once everything has been written and has left the socket.
    void pump(qint64 nowUs)
    {
        m_nowUs = nowUs;
        if (m_state == State::Failed || m_state == State::Done || m_state == State::Connecting)
            return;
        if (nowUs - m_lastPingUs >= roomrec::protocol::kPingIntervalMs * 1000LL) {
            m_lastPingUs = nowUs;
            send(roomrec::ControlMessage(QStringLiteral("ping"), ++m_lastId));
            m_pingIds.push_back(m_lastId);
        }
        if (m_state == State::Streaming) {
            while (m_next < m_clip.packets.size()) {
                const roomrec::MediaPacket &p = m_clip.packets[m_next];
                const qint64 due = m_startUs + p.dtsUs;
                if (due > nowUs)
                    break;
                m_maxLateUs = qMax(m_maxLateUs, nowUs - due);
                m_socket.write(p.frameHeader());
                m_socket.write(p.data);
                (p.isVideo() ? m_sentVideo : m_sentAudio)++;
                ++m_next;
            }
            m_maxBacklog = qMax(m_maxBacklog, m_socket.bytesToWrite());
            if (m_next == m_clip.packets.size()) {
                m_state = State::Draining;
                m_lastDueUs = nowUs;
            }
        }
        if (m_state == State::Draining && m_socket.bytesToWrite() == 0) {
            m_drainUs = nowUs - m_lastDueUs;
            if (!m_record) {
                m_state = State::Done;
                m_socket.disconnectFromHost();
                return;
            }
            m_state = State::Stopping;
            roomrec::ControlMessage stop(QStringLiteral("stopRecording"), ++m_lastId);
            stop.set(QStringLiteral("relationId"), qint64(m_room.relationId));
            stop.set(QStringLiteral("roomId"), qint64(m_room.roomId));
            m_requestId = m_lastId;
            send(stop);
        }
    }

    State state() const { return m_state; }
    bool isStreaming() const { return m_state == State::Streaming || m_state == State::Draining; }
    // When the packet with this dts was due (and sent), on the driver's clock (µs).
    qint64 dueUs(qint64 dtsUs) const { return m_startUs + dtsUs; }
    QString userId() const { return QStringLiteral("bench%1").arg(m_index); }
    bool finished() const { return m_state == State::Done || m_state == State::Failed; }
    const QString &failure() const { return m_failure; }
    qint64 sentVideo() const { return m_sentVideo; }
    qint64 sentAudio() const { return m_sentAudio; }
    qint64 maxLateUs() const { return m_maxLateUs; }
    qint64 maxBacklogBytes() const { return m_maxBacklog; }
    qint64 drainUs() const { return m_drainUs; }
    int fileIds() const { return m_fileIds; }
    int keyFrameRequests() const { return m_keyFrameRequests; }
    void abort(const QString &why) { fail(why); m_socket.abort(); }

private:
    void send(const roomrec::ControlMessage &m)
    {
        m_socket.write(roomrec::Frame{roomrec::FrameKind::Control, m.encode()}.encode());
    }

    void sendNextRequest()
    {
        m_state = State::Handshake;
        const QString user = QStringLiteral("bench%1").arg(m_index);
        roomrec::ControlMessage m;
        switch (m_step) {
        case 0:
            m = roomrec::ControlMessage(QStringLiteral("hello"), ++m_lastId,
                                        {{QStringLiteral("version"), roomrec::protocol::kVersion},
                                         {QStringLiteral("client"), QStringLiteral("bench_server")}});
            break;
        case 1:
            m = roomrec::ControlMessage(QStringLiteral("signIn"), ++m_lastId, {{QStringLiteral("userId"), user}});
            break;
        case 2:
            m = roomrec::ControlMessage(QStringLiteral("createRoom"), ++m_lastId,
                                        {{QStringLiteral("relationId"), qint64(m_room.relationId)},
                                         {QStringLiteral("roomId"), qint64(m_room.roomId)}});
            break;
        case 3:
            m = roomrec::ControlMessage(QStringLiteral("publish"), ++m_lastId,
                                        {{QStringLiteral("track"), 0},
                                         {QStringLiteral("video"), m_clip.video.toCbor()},
                                         {QStringLiteral("audio"), m_clip.audio.toCbor()}});
            break;
        default: {
            roomrec::RecordParam param;
            param.fileName = QStringLiteral("bench%1").arg(m_index);
            param.tags = {QStringLiteral("bench")};
            m = roomrec::ControlMessage(QStringLiteral("startRecording"), ++m_lastId,
                                        {{QStringLiteral("relationId"), qint64(m_room.relationId)},
                                         {QStringLiteral("roomId"), qint64(m_room.roomId)},
                                         {QStringLiteral("param"), param.toCbor()}});
        }
        }
        m_requestId = m_lastId;
        send(m);
    }

    void readFrames()
    {
        m_decoder.feed(m_socket.readAll());
        for (;;) {
            auto frame = m_decoder.next();
            if (!frame)
                return fail(QStringLiteral("framing: %1").arg(frame.error().toString()));
            if (!frame.value())
                return;
            if (frame.value()->kind != roomrec::FrameKind::Control)
                continue;
            auto message = roomrec::ControlMessage::decode(frame.value()->payload);
            if (!message)
                return fail(QStringLiteral("reply: %1").arg(message.error().toString()));
            handle(message.value());
            if (m_state == State::Failed)
                return;
        }
    }

    void handle(const roomrec::ControlMessage &m)
    {
        if (m.type() == QLatin1String("keyFrameRequest")) {
            ++m_keyFrameRequests; // the clip cannot make one; recording starts at its first frame
            return;
        }
        if (m.type() == QLatin1String("error") || m.type() == QLatin1String("recordingEnded"))
            return fail(QStringLiteral("%1 event: %2").arg(m.type(), m.fields().value(QStringLiteral("message")).toString()));
        if (m.type() != QLatin1String("result"))
            return;
        if (!m_pingIds.empty() && m.id() == m_pingIds.front()) {
            m_pingIds.erase(m_pingIds.begin());
            return;
        }
        if (m.id() != m_requestId)
            return;
        if (!m.isOk())
            return fail(QStringLiteral("request %1 refused: %2").arg(m_step).arg(m.error().toString()));
        if (m_state == State::Stopping) {
            m_fileIds = int(m.value().toMap().value(QStringLiteral("fileIds")).toArray().size());
            m_state = State::Done;
            m_socket.disconnectFromHost();
            return;
        }
        if (++m_step <= (m_record ? 4 : 3))
            return sendNextRequest();
        // Recording: the clip starts with a key frame, so nothing sent is skipped.
        m_startUs = qMax(m_notBeforeUs, m_nowUs);
        m_lastPingUs = m_startUs;
        m_state = State::Streaming;
    }

    void fail(const QString &why)
    {
        if (m_state == State::Done || m_state == State::Failed)
            return;
        m_failure = why;
        m_state = State::Failed;
    }

    const Clip &m_clip;
    int m_index = 0;
    qint64 m_notBeforeUs = 0;
    bool m_record = true;
    roomrec::RoomInfo m_room;
    QTcpSocket m_socket;
    roomrec::FrameDecoder m_decoder;
    State m_state = State::Connecting;
    QString m_failure;
    int m_step = 0;
    quint64 m_lastId = 0;
    quint64 m_requestId = 0;
    std::vector<quint64> m_pingIds;
    qint64 m_nowUs = 0;
    qint64 m_startUs = 0;
    qint64 m_lastPingUs = 0;
    qint64 m_lastDueUs = 0;
    size_t m_next = 0;
    qint64 m_sentVideo = 0;
    qint64 m_sentAudio = 0;
    qint64 m_maxLateUs = 0;
    qint64 m_maxBacklog = 0;
    qint64 m_drainUs = 0;
    int m_fileIds = 0;
    int m_keyFrameRequests = 0;
};
