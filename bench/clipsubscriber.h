#pragma once

// One RoomRec member watching another with raw frames (docs/protocol.md): hello, signIn,
// joinRoom, subscribe to every track of the publisher, then counts the forwarded packets and,
// for video, the time from when the publisher sent the packet (its capture time: the clip is
// paced like a live encoder's output) to when it was read here. The load of bench_relay.
// With decode sinks set, it also hands the publisher's tracks and every packet on (to a
// RemoteMedia: the decoded-picture latency).
#include "protocol/controlmessage.h"
#include "protocol/forwardedmedia.h"
#include "protocol/frame.h"
#include "protocol/framedecoder.h"
#include "protocol/protocollimits.h"
#include "protocol/remotetrack.h"
#include "protocol/roominfo.h"

#include <QCborArray>

#include <QElapsedTimer>
#include <QTcpSocket>

#include <functional>
#include <vector>

class ClipSubscriber {
public:
    enum class State { Connecting, Handshake, Subscribed, Failed };
    // dueUs: when the publisher sent the video packet with this dts (driver clock, µs).
    using DueClock = std::function<qint64(qint64 dtsUs)>;
    using TracksSink = std::function<void(const QList<roomrec::RemoteTrack> &)>;
    using PacketSink = std::function<void(const roomrec::MediaPacket &)>;

    ClipSubscriber(int index, roomrec::RoomInfo room, QString publisher, const QElapsedTimer &clock, DueClock due)
        : m_index(index), m_room(room), m_publisher(std::move(publisher)), m_clock(clock), m_due(std::move(due))
    {
        QObject::connect(&m_socket, &QTcpSocket::connected, [this] { next(); });
        QObject::connect(&m_socket, &QTcpSocket::readyRead, [this] { read(); });
        QObject::connect(&m_socket, &QTcpSocket::errorOccurred, [this](QAbstractSocket::SocketError) {
            if (m_state != State::Failed && !m_closing)
                fail(QStringLiteral("socket: %1").arg(m_socket.errorString()));
        });
    }

    void connectTo(quint16 port) { m_socket.connectToHost(QStringLiteral("127.0.0.1"), port); }
    // The publisher's track parameters (subscribe answer, trackPublished), then its packets.
    void setDecodeSinks(TracksSink tracks, PacketSink packets)
    {
        m_tracksSink = std::move(tracks);
        m_packetSink = std::move(packets);
    }
    void ping()
    {
        if (m_state == State::Subscribed)
            send(roomrec::ControlMessage(QStringLiteral("ping"), ++m_lastId));
    }
    void close()
    {
        m_closing = true;
        m_socket.abort();
    }

    State state() const { return m_state; }
    const QString &failure() const { return m_failure; }
    qint64 video() const { return m_video; }
    qint64 audio() const { return m_audio; }
    qint64 bytes() const { return m_bytes; }
    qint64 dropsReported() const { return m_dropsReported; }
    const std::vector<qint64> &latencyUs() const { return m_latencyUs; }

private:
    void send(const roomrec::ControlMessage &m) { m_socket.write(roomrec::Frame{roomrec::FrameKind::Control, m.encode()}.encode()); }

    void next()
    {
        m_state = State::Handshake;
        roomrec::ControlMessage m;
        switch (m_step) {
        case 0:
            m = roomrec::ControlMessage(QStringLiteral("hello"), ++m_lastId, {{QStringLiteral("version"), roomrec::protocol::kVersion}});
            break;
        case 1:
            m = roomrec::ControlMessage(QStringLiteral("signIn"), ++m_lastId,
                                        {{QStringLiteral("userId"), QStringLiteral("viewer%1").arg(m_index)}});
            break;
        case 2:
            m = roomrec::ControlMessage(QStringLiteral("joinRoom"), ++m_lastId,
                                        {{QStringLiteral("relationId"), qint64(m_room.relationId)},
                                         {QStringLiteral("roomId"), qint64(m_room.roomId)}});
            break;
        default:
            m = roomrec::ControlMessage(QStringLiteral("subscribe"), ++m_lastId, {{QStringLiteral("userId"), m_publisher}});
        }
        m_requestId = m_lastId;
        send(m);
    }

    void read()
    {
        m_decoder.feed(m_socket.readAll());
        for (;;) {
            auto frame = m_decoder.next();
            if (!frame)
                return fail(QStringLiteral("framing: %1").arg(frame.error().toString()));
            if (!frame.value())
                return;
            if (frame.value()->kind == roomrec::FrameKind::Forwarded) {
                m_bytes += frame.value()->payload.size();
                auto media = roomrec::ForwardedMedia::decode(std::move(frame.value()->payload));
                if (!media)
                    return fail(media.error().toString());
                if (media->packet.isVideo()) {
                    ++m_video;
                    m_latencyUs.push_back(m_clock.nsecsElapsed() / 1000 - m_due(media->packet.dtsUs));
                } else {
                    ++m_audio;
                }
                if (m_packetSink)
                    m_packetSink(media->packet);
                continue;
            }
            auto message = roomrec::ControlMessage::decode(frame.value()->payload);
            if (!message)
                return fail(message.error().toString());
            if (message->type() == QLatin1String("mediaDropped"))
                m_dropsReported = message->fields().value(QStringLiteral("dropped")).toInteger();
            if (message->type() == QLatin1String("trackPublished") && m_tracksSink) {
                if (auto track = roomrec::RemoteTrack::fromCbor(message->fields()))
                    m_tracksSink({track.value()});
            }
            if (message->type() != QLatin1String("result") || message->id() != m_requestId)
                continue;
            if (!message->isOk())
                return fail(QStringLiteral("step %1: %2").arg(m_step).arg(message->error().toString()));
            if (m_step == 3 && m_tracksSink)
                takeTracks(message->value().toMap());
            if (++m_step <= 3)
                next();
            else
                m_state = State::Subscribed;
        }
    }

    void takeTracks(const QCborMap &answer)
    {
        QList<roomrec::RemoteTrack> tracks;
        for (const QCborValue &item : answer.value(QStringLiteral("tracks")).toArray()) {
            auto track = roomrec::RemoteTrack::fromCbor(item.toMap());
            if (!track)
                return fail(QStringLiteral("subscribe answer: %1").arg(track.error().toString()));
            tracks << track.value();
        }
        m_tracksSink(tracks);
    }

    void fail(const QString &why)
    {
        m_failure = why;
        m_state = State::Failed;
    }

    int m_index;
    roomrec::RoomInfo m_room;
    QString m_publisher;
    const QElapsedTimer &m_clock; // the driver's
    DueClock m_due;
    TracksSink m_tracksSink;
    PacketSink m_packetSink;
    QTcpSocket m_socket;
    roomrec::FrameDecoder m_decoder{roomrec::FrameDecoder::Side::Client};
    State m_state = State::Connecting;
    QString m_failure;
    int m_step = 0;
    quint64 m_lastId = 0;
    quint64 m_requestId = 0;
    qint64 m_video = 0;
    qint64 m_audio = 0;
    qint64 m_bytes = 0;
    qint64 m_dropsReported = 0;
    bool m_closing = false;
    std::vector<qint64> m_latencyUs;
};
