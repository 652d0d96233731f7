#include "common/sharedslice.h"
#include "protocol/errorcode.h"
#include "protocol/framedecoder.h"
#include "protocol/mediapacket.h"
#include "protocol/protocollimits.h"

#include <QtEndian>
#include <QtTest>

using namespace roomrec;

class TestFrameDecoder : public QObject {
    Q_OBJECT
private slots:
    void roundTrip_data();
    void roundTrip();
    void malformed_data();
    void malformed();
    void staysFailedAfterError();
    void hostileLengthDoesNotAllocate();
    void readsFromDevice_data() { roundTrip_data(); }
    void readsFromDevice();
    void malformedFromDevice_data() { malformed_data(); }
    void malformedFromDevice();
    void hostileLengthFromDeviceDoesNotAllocate();
    void mediaFramesShareTheRead_data();
    void mediaFramesShareTheRead();
    void frameAcrossReadsIsWhole();
    void sliceOutlivesItsBlockAndDetachesOnWrite();
};

namespace {
// A device that has `released` bytes of `wire` for its reader, handed out as asked.
class TrickleDevice : public QIODevice {
public:
    explicit TrickleDevice(QByteArray wire) : m_wire(std::move(wire)) { open(QIODevice::ReadOnly | QIODevice::Unbuffered); }
    void release(qint64 bytes) { m_released = qMin<qint64>(m_wire.size(), m_released + bytes); }
    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override { return m_released - m_read + QIODevice::bytesAvailable(); }
    qint64 maxAskedFor = 0;

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        maxAskedFor = qMax(maxAskedFor, maxSize);
        const qint64 n = qMin(maxSize, m_released - m_read);
        memcpy(data, m_wire.constData() + m_read, size_t(n));
        m_read += n;
        return n;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    QByteArray m_wire;
    qint64 m_released = 0;
    qint64 m_read = 0;
};
} // namespace

void TestFrameDecoder::roundTrip_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<int>("chunk"); // bytes fed at a time
    QTest::newRow("control, whole") << int(FrameKind::Control) << QByteArray("hello") << 64;
    QTest::newRow("control, byte by byte") << int(FrameKind::Control) << QByteArray("hello world") << 1;
    QTest::newRow("media, empty payload") << int(FrameKind::Media) << QByteArray() << 3;
    QTest::newRow("media, 1 MiB in 7k chunks") << int(FrameKind::Media) << QByteArray(1 << 20, 'x') << 7000;
    QTest::newRow("control, at the limit") << int(FrameKind::Control) << QByteArray(protocol::kMaxControlPayload, 'c') << 4096;
}

void TestFrameDecoder::roundTrip()
{
    QFETCH(int, kind);
    QFETCH(QByteArray, payload);
    QFETCH(int, chunk);
    const Frame frame{FrameKind(kind), payload};
    // Three frames back to back, fed in chunks that cut through headers and payloads.
    const QByteArray wire = frame.encode() + frame.encode() + frame.encode();
    FrameDecoder decoder;
    QList<Frame> out;
    for (qsizetype i = 0; i < wire.size(); i += chunk) {
        decoder.feed(wire.mid(i, chunk));
        while (true) {
            auto next = decoder.next();
            QVERIFY2(next.ok(), qPrintable(next.ok() ? QString() : next.error().toString()));
            if (!next.value())
                break;
            out << *next.value();
        }
    }
    QCOMPARE(out.size(), 3);
    for (const Frame &f : out) {
        QCOMPARE(int(f.kind), kind);
        QCOMPARE(f.payload, payload);
    }
    QCOMPARE(decoder.bufferedBytes(), 0);
}

void TestFrameDecoder::malformed_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("code");
    auto header = [](quint32 length, quint8 kind) {
        QByteArray h(5, 0);
        qToBigEndian<quint32>(length, h.data());
        h[4] = char(kind);
        return h;
    };
    QTest::newRow("unknown kind 0") << header(1, 0) + "x" << int(ErrorCode::UnknownFrameKind);
    QTest::newRow("unknown kind 255") << header(1, 255) + "x" << int(ErrorCode::UnknownFrameKind);
    QTest::newRow("control too large") << header(protocol::kMaxControlPayload + 1, 1) << int(ErrorCode::FrameTooLarge);
    QTest::newRow("media too large") << header(protocol::kMaxMediaPayload + 1, 2) << int(ErrorCode::FrameTooLarge);
    QTest::newRow("length 0xFFFFFFFF") << header(0xFFFFFFFFu, 2) << int(ErrorCode::FrameTooLarge);
    QTest::newRow("ascii garbage") << QByteArray("GET / HTTP/1.1\r\n\r\n") << int(ErrorCode::UnknownFrameKind);
}

void TestFrameDecoder::malformed()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, code);
    FrameDecoder decoder;
    decoder.feed(wire);
    auto next = decoder.next();
    QVERIFY(!next.ok());
    QCOMPARE(next.error().code, code);
    QVERIFY(!next.error().message.isEmpty());
}

void TestFrameDecoder::staysFailedAfterError()
{
    FrameDecoder decoder;
    decoder.feed(QByteArray("\x00\x00\x00\x01\x09x", 6));
    QVERIFY(!decoder.next().ok());
    decoder.feed(Frame{FrameKind::Control, "ok"}.encode());
    QVERIFY(!decoder.next().ok()); // framing was lost: nothing after it is trusted
}

void TestFrameDecoder::hostileLengthDoesNotAllocate()
{
    // A header announcing 8 MiB with only 10 bytes behind it: waits, holds only what came.
    FrameDecoder decoder;
    QByteArray wire(5, 0);
    qToBigEndian<quint32>(protocol::kMaxMediaPayload, wire.data());
    wire[4] = char(FrameKind::Media);
    decoder.feed(wire + QByteArray(10, 'm'));
    auto next = decoder.next();
    QVERIFY(next.ok());
    QVERIFY(!next.value().has_value());
    QCOMPARE(decoder.bufferedBytes(), 15);
}

void TestFrameDecoder::readsFromDevice()
{
    QFETCH(int, kind);
    QFETCH(QByteArray, payload);
    QFETCH(int, chunk);
    const Frame frame{FrameKind(kind), payload};
    const QByteArray wire = frame.encode() + frame.encode() + frame.encode();
    TrickleDevice device(wire);
    FrameDecoder decoder;
    QList<Frame> out;
    for (qsizetype i = 0; i < wire.size(); i += chunk) {
        device.release(chunk);
        while (true) {
            auto next = decoder.read(device);
            QVERIFY2(next.ok(), qPrintable(next.ok() ? QString() : next.error().toString()));
            if (!next.value())
                break;
            out << *next.value();
        }
    }
    QCOMPARE(out.size(), 3);
    for (const Frame &f : out) {
        QCOMPARE(int(f.kind), kind);
        QCOMPARE(f.payload, payload);
    }
    QCOMPARE(decoder.bufferedBytes(), 0);
    QCOMPARE(device.bytesAvailable(), 0);
}

void TestFrameDecoder::malformedFromDevice()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, code);
    TrickleDevice device(wire);
    device.release(wire.size());
    FrameDecoder decoder;
    auto next = decoder.read(device);
    QVERIFY(!next.ok());
    QCOMPARE(next.error().code, code);
    QVERIFY(!decoder.read(device).ok()); // stays failed
}

void TestFrameDecoder::hostileLengthFromDeviceDoesNotAllocate()
{
    QByteArray wire(5, 0);
    qToBigEndian<quint32>(protocol::kMaxMediaPayload, wire.data());
    wire[4] = char(FrameKind::Media);
    TrickleDevice device(wire + QByteArray(protocol::kMaxMediaPayload, 'm'));
    device.release(15);
    FrameDecoder decoder;
    auto next = decoder.read(device);
    QVERIFY(next.ok());
    QVERIFY(!next.value().has_value());
    next = decoder.read(device);
    QVERIFY(next.ok() && !next.value().has_value());
    QCOMPARE(decoder.bufferedBytes(), 15); // what came, not what was announced
    QVERIFY(device.maxAskedFor <= 15);
}

namespace {
// The memory block a byte array's data live in (shared blocks compare equal).
const void *blockOf(QByteArray bytes)
{
    return bytes.data_ptr().d;
}

// Whether the data start inside their block rather than at its beginning (a copy starts at
// the beginning; a frame cut out of a read starts after its frame header).
bool isSlice(QByteArray bytes)
{
    return bytes.data_ptr().freeSpaceAtBegin() > 0;
}

QList<Frame> readAll(FrameDecoder &decoder, QIODevice &device)
{
    QList<Frame> out;
    for (;;) {
        auto next = decoder.read(device);
        if (!next.ok() || !next.value())
            return out;
        out << *next.value();
    }
}
} // namespace

void TestFrameDecoder::mediaFramesShareTheRead_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<bool>("shared");      // the first and last media frames share one block
    QTest::addColumn<bool>("firstSliced"); // the first media frame is cut out of the read, not copied
    MediaPacket packet;
    packet.data = QByteArray(1000, 'v');
    const QByteArray video = Frame{FrameKind::Media, packet.encode()}.encode();
    packet.track = Track::CameraAudio;
    packet.data = QByteArray(100, 'a');
    const QByteArray audio = Frame{FrameKind::Media, packet.encode()}.encode();
    const QByteArray control = Frame{FrameKind::Control, QByteArray(60000, ' ')}.encode();
    const QByteArray big = Frame{FrameKind::Media, MediaPacket{Track::CameraVideo, false, 0, 0, 0, QByteArray(60000, 'k')}.encode()}.encode();
    QTest::newRow("video frames") << video + audio + video << true << true;
    // Small frames must not keep a 60 kB block alive (a control message, or a big frame
    // dropped later, while they sit in a cache counted for their own few bytes): copied.
    QTest::newRow("small ones beside a control message") << audio + control + audio << false << false;
    QTest::newRow("a small one after a big one") << big + audio << false << true;
}

void TestFrameDecoder::mediaFramesShareTheRead()
{
    QFETCH(QByteArray, wire);
    QFETCH(bool, shared);
    QFETCH(bool, firstSliced);
    TrickleDevice device(wire);
    device.release(wire.size());
    QList<Frame> media;
    {
        FrameDecoder decoder;
        for (const Frame &frame : readAll(decoder, device)) {
            if (frame.kind == FrameKind::Media)
                media << frame;
        }
        QCOMPARE(decoder.bufferedBytes(), 0);
    } // the decoder is gone: the frames own what they hold
    QCOMPARE(media.size(), wire.size() > 60000 ? 2 : 3);
    QCOMPARE(isSlice(media.first().payload), firstSliced); // a big frame is shared, small ones never
    QCOMPARE(blockOf(media.first().payload) == blockOf(media.last().payload), shared);
    QCOMPARE(media.first().payload, wire.mid(5, media.first().payload.size()));
    QCOMPARE(media.last().payload, wire.right(media.last().payload.size()));
    // The packet header is cut off the front without copying the media either.
    auto packet = MediaPacket::decode(std::move(media.first().payload));
    QVERIFY(packet.ok());
    QCOMPARE(blockOf(packet.value().data) == blockOf(media.last().payload), shared);
    QCOMPARE(packet.value().data, wire.mid(5 + MediaPacket::kHeaderBytes, packet.value().data.size()));
}

void TestFrameDecoder::frameAcrossReadsIsWhole()
{
    // A frame whose header and payload arrive over several reads is assembled whole, and the
    // frame completed in the same read as the next one does not disturb it.
    const QByteArray first = QByteArray(3000, 'x') + QByteArray(3000, 'y');
    const QByteArray second(500, 'z');
    const QByteArray wire = Frame{FrameKind::Media, first}.encode() + Frame{FrameKind::Media, second}.encode();
    TrickleDevice device(wire);
    FrameDecoder decoder;
    QList<Frame> out;
    for (const qint64 step : {3, 4, 2000, 3000, 10000}) {
        device.release(step);
        out << readAll(decoder, device);
    }
    QCOMPARE(out.size(), 2);
    QCOMPARE(out[0].payload, first);
    QCOMPARE(out[1].payload, second);
    QCOMPARE(decoder.bufferedBytes(), 0);
}

void TestFrameDecoder::sliceOutlivesItsBlockAndDetachesOnWrite()
{
    QByteArray block("abcdefgh");
    QByteArray slice = sharedSlice(block, 2, 3);
    QCOMPARE(slice, QByteArray("cde"));
    QCOMPARE(blockOf(slice), blockOf(block));
    slice[0] = 'C'; // shared: writing copies first
    QCOMPARE(block, QByteArray("abcdefgh"));
    QCOMPARE(slice, QByteArray("Cde"));
    QByteArray other = sharedSlice(block, 5, 3);
    block = QByteArray(); // the slice alone keeps the block
    QCOMPARE(other, QByteArray("fgh"));
    other.append('!');
    QCOMPARE(other, QByteArray("fgh!"));
    QVERIFY(sharedSlice(other, 1, 0).isEmpty());
}

QTEST_GUILESS_MAIN(TestFrameDecoder)
#include "tst_framedecoder.moc"
