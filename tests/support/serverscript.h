#pragma once

#include "library/filerecord.h"
#include "server/serverconfig.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <functional>

namespace roomrec {
class RoomServer;
}

// Test support shared by the fuzz_server target and tst_server_corpus: runs one "server
// script" against a RoomServer in this process, over a loopback socket.
//
// Every script first does, correctly: hello -> signIn -> createRoom -> publish ->
// startRecording. The script's bytes then decide the stream parameters and a sequence of
// media packets and a few control requests (re-publish, unpublish, stop + start again, raw
// bytes). At the end the runner makes sure the server has consumed everything (a ping it
// waits for), stops the recording, waits for finishing and post-processing, hands the
// catalogued files to a check, and deletes them so the next script starts from an empty
// library. Bytes past the end of the script read as zero.
//
// Layout (all integers big endian):
//   u8 setup: bit0 audio, bit1 record the sub-stream (track 1, no audio), bit2 screenshot,
//             bit3 transcode, bit4 watermark
//   video params: u16 width, u16 height (mapped into 16..7680 x 16..4320), u8 fpsNum-1,
//             u8 fpsDen-1, u8 extradata length (0: the built-in SPS/PPS), extradata bytes
//   audio params (bit0): u8 sample-rate index, u8 channels-1 (mod 8), u8 ASC length
//             (0: an AudioSpecificConfig made from rate and channels), ASC bytes
//   then operations until the script ends, each an op byte; op % 16:
//     0-10 media packet: u8 desc; timing; duration; u16 size; payload
//          desc bits0-1 track (3: an invalid track), bit2 key, bit3 an undefined flag bit,
//          bits4-5 timing: 2 -> i64 pts, i64 dts as they are; otherwise u16 step, u8 ptsOffset
//          and dts += step*16 us (0), dts -= step*16 us (1), dts += step*65536 us (3), then
//          pts = dts + ptsOffset*1000 us; bit7: duration is a raw u32 (may be invalid), else
//          u16 in 16 us units; bit6: size counts 128-byte units (up to 8 MiB) and the payload
//          repeats the script's next 64 bytes, else the payload is the next `size` bytes
//     11 re-publish the recorded track with new video (and audio) params, read as above
//     12 unpublish: u8 track
//     13 stopRecording, then startRecording again with the same param
//     14 raw bytes: u8 length, bytes sent as they are (may break the framing)
//     15 publish the other video track: video params as above
struct ServerScriptReport {
    bool connected = false;          // hello..startRecording all succeeded
    bool dropped = false;            // the server closed the connection
    int mediaPackets = 0;            // media frames sent
    qint64 mediaBytes = 0;
    int controlRequests = 0;
    QList<roomrec::FileRecord> files; // catalogued after the run (before they are deleted)
    QString failure;                 // a step of the fixed prologue that failed, or a timeout
};

class ServerScript {
public:
    // The configuration a script server runs with: no HTTP, 1 s segments, no idle or key-frame
    // deadlines that would make a run depend on the machine's speed, no free-space floor.
    static roomrec::ServerConfig serverConfig(const QString &dataDir);

    // check (optional) sees the catalogued files before they are deleted.
    static ServerScriptReport run(roomrec::RoomServer &server, const QByteArray &script,
                                  const std::function<void(const ServerScriptReport &)> &check = {});
};
