// libFuzzer target: frame decoding, control-message parsing, media-packet parsing and
// RecordParam validation, fed arbitrary bytes. Build: cmake -DROOMREC_FUZZ=ON with clang;
// run: build/.../tests/fuzz/fuzz_frames tests/corpus/frames
#include "protocol/controlmessage.h"
#include "protocol/framedecoder.h"
#include "protocol/mediapacket.h"
#include "protocol/recordparam.h"
#include "protocol/streamparams.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace roomrec;
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    FrameDecoder decoder;
    // Feed in two pieces so partial headers are exercised too.
    decoder.feed(bytes.left(bytes.size() / 2));
    decoder.feed(bytes.mid(bytes.size() / 2));
    for (int i = 0; i < 64; ++i) {
        auto next = decoder.next();
        if (!next.ok() || !next.value())
            break;
        const Frame &frame = *next.value();
        if (auto message = ControlMessage::decode(frame.payload); message.ok()) {
            if (auto param = message->map(QStringLiteral("param")); param.ok())
                (void)RecordParam::fromCbor(param.value());
            if (auto video = message->map(QStringLiteral("video")); video.ok())
                (void)VideoParams::fromCbor(video.value());
            if (auto audio = message->map(QStringLiteral("audio")); audio.ok())
                (void)AudioParams::fromCbor(audio.value());
        }
        (void)MediaPacket::decode(frame.payload);
    }
    // The raw bytes as a whole message and packet as well.
    (void)ControlMessage::decode(bytes);
    (void)MediaPacket::decode(bytes);
    return 0;
}
