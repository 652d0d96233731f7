#include "protocol/errorcode.h"
#include "protocol/forwardedmedia.h"
#include "protocol/frame.h"
#include "protocol/framedecoder.h"
#include "protocol/mediapacket.h"

#include <QtEndian>
#include <QtTest>

using namespace roomrec;

class TestMediaPacket : public QObject {
    Q_OBJECT
private slots:
    void roundTrip_data();
    void roundTrip();
    void malformed_data();
    void malformed();
    void forwardedRoundTripSharesPayload();
    void forwardedOnlyReachesClients();
    void forwardedMalformed_data();
    void forwardedMalformed();
};

void TestMediaPacket::roundTrip_data()
{
    QTest::addColumn<int>("track");
    QTest::addColumn<bool>("key");
    QTest::addColumn<qint64>("pts");
    QTest::newRow("camera key") << int(Track::CameraVideo) << true << qint64(1'000'000);
    QTest::newRow("sub-stream delta") << int(Track::SubStreamVideo) << false << qint64(3'600'000'000LL);
    QTest::newRow("audio") << int(Track::CameraAudio) << true << qint64(0);
}

void TestMediaPacket::roundTrip()
{
    QFETCH(int, track);
    QFETCH(bool, key);
    QFETCH(qint64, pts);
    MediaPacket p{Track(track), key, pts, pts, 33333, QByteArray("\x00\x00\x00\x01\x65payload", 12)};
    auto decoded = MediaPacket::decode(p.encode());
    QVERIFY(decoded.ok());
    QCOMPARE(int(decoded->track), track);
    QCOMPARE(decoded->key, key);
    QCOMPARE(decoded->ptsUs, pts);
    QCOMPARE(decoded->dtsUs, pts);
    QCOMPARE(decoded->durationUs, 33333);
    QCOMPARE(decoded->data, p.data);
    // What the client writes (frame header, then payload) is the same frame.
    QCOMPARE(p.frameHeader() + p.data, (Frame{FrameKind::Media, p.encode()}.encode()));
}

void TestMediaPacket::malformed_data()
{
    QTest::addColumn<QByteArray>("payload");
    const QByteArray good = MediaPacket{Track::CameraVideo, true, 100, 100, 10, "x"}.encode();
    auto patched = [&good](int offset, const QByteArray &bytes) {
        QByteArray b = good;
        b.replace(offset, bytes.size(), bytes);
        return b;
    };
    QByteArray negative(8, 0);
    qToBigEndian<qint64>(-5, negative.data());
    QByteArray later(8, 0);
    qToBigEndian<qint64>(200, later.data());
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("header only") << good.left(MediaPacket::kHeaderBytes);
    QTest::newRow("track 3") << patched(0, "\x03");
    QTest::newRow("unknown flag") << patched(1, "\x02");
    QTest::newRow("negative pts") << patched(2, negative);
    QTest::newRow("dts after pts") << patched(10, later);
}

void TestMediaPacket::malformed()
{
    QFETCH(QByteArray, payload);
    auto decoded = MediaPacket::decode(payload);
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().code, int(ErrorCode::MalformedMediaPacket));
}

void TestMediaPacket::forwardedRoundTripSharesPayload()
{
    MediaPacket p;
    p.track = Track::SubStreamVideo;
    p.key = true;
    p.ptsUs = 2'000'000;
    p.dtsUs = 1'966'000;
    p.durationUs = 33'333;
    p.data = QByteArray(5000, 'x');
    // On the wire: the header built once, then the publisher's payload as it is.
    const QByteArray wire = ForwardedMedia::frameHeader("alice@example", p) + p.data;
    FrameDecoder decoder(FrameDecoder::Side::Client);
    decoder.feed(wire);
    auto frame = decoder.next();
    QVERIFY(frame && frame.value());
    QCOMPARE(frame.value()->kind, FrameKind::Forwarded);
    auto media = ForwardedMedia::decode(std::move(frame.value()->payload));
    QVERIFY(media);
    QCOMPARE(media->userId, QStringLiteral("alice@example"));
    QCOMPARE(media->packet.track, p.track);
    QCOMPARE(media->packet.key, true);
    QCOMPARE(media->packet.ptsUs, p.ptsUs);
    QCOMPARE(media->packet.dtsUs, p.dtsUs);
    QCOMPARE(media->packet.durationUs, p.durationUs);
    QCOMPARE(media->packet.data, p.data);
}

void TestMediaPacket::forwardedOnlyReachesClients()
{
    MediaPacket p;
    p.data = QByteArray(10, 'x');
    FrameDecoder server; // a client must not send kind 3
    server.feed(ForwardedMedia::frameHeader("bob", p) + p.data);
    auto frame = server.next();
    QVERIFY(!frame);
    QCOMPARE(frame.error().code, int(ErrorCode::UnknownFrameKind));
}

void TestMediaPacket::forwardedMalformed_data()
{
    QTest::addColumn<QByteArray>("payload");
    const QByteArray packet(MediaPacket::kHeaderBytes + 1, '\0');
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("no user") << (QByteArray(1, '\0') + packet);
    QTest::newRow("user longer than payload") << QByteArray("\x09" "bob");
    QTest::newRow("user too long") << (QByteArray(1, char(65)) + QByteArray(65, 'a') + packet);
    QTest::newRow("bad packet") << (QByteArray("\x03" "bob") + QByteArray(3, '\0'));
}

void TestMediaPacket::forwardedMalformed()
{
    QFETCH(QByteArray, payload);
    auto media = ForwardedMedia::decode(std::move(payload));
    QVERIFY(!media);
    QCOMPARE(media.error().code, int(ErrorCode::MalformedMediaPacket));
}

QTEST_GUILESS_MAIN(TestMediaPacket)
#include "tst_mediapacket.moc"
