#!/usr/bin/env python3
"""Writes the malformed-frame corpus in frames/ (run from this folder). Each file is what a
broken or hostile peer might send after signing in; tst_server_rules replays every one."""
import struct, os

def frame(kind, payload):
    return struct.pack('>IB', len(payload), kind) + payload

def media(track=0, flags=1, pts=1_000_000, dts=1_000_000, dur=33333, data=b'\x00\x00\x00\x01\x65'):
    return struct.pack('>BBqqI', track, flags, pts, dts, dur) + data

cases = {
    'empty-control': frame(1, b''),
    'control-not-cbor': frame(1, b'\xff\xfe\xfd'),
    'control-cbor-array': frame(1, b'\x82\x01\x02'),
    'control-no-type': frame(1, b'\xa1\x62id\x01'),
    'control-huge-string-header': frame(1, b'\xa1\x61t\x7b\xff\xff\xff\xff\xff\xff\xff\xff'),
    'control-nested-deep': frame(1, b'\x81' * 4000),
    'control-truncated': frame(1, b'\xa2\x61t\x65hello\x62i')[:-1],
    'start-recording-bad-param': frame(1, b'\xa3\x61t\x6estartRecording\x62id\x02\x65param\x63abc'),
    'unknown-kind': struct.pack('>IB', 3, 9) + b'abc',
    'oversized-control': struct.pack('>IB', 64 * 1024 + 1, 1),
    'oversized-media': struct.pack('>IB', 0xFFFFFFFF, 2),
    'media-short': frame(2, b'\x00\x01\x02'),
    'media-bad-track': frame(2, media(track=7)),
    'media-bad-flags': frame(2, media(flags=0x80)),
    'media-negative-pts': frame(2, media(pts=-1, dts=-1)),
    'media-dts-after-pts': frame(2, media(pts=10, dts=20)),
    'media-unpublished-track': frame(2, media(track=1)),
    'media-garbage-h264': frame(2, media(data=os.urandom(0) + b'\x00\x00\x01' + b'\xff' * 500)),
    'http-request': b'GET / HTTP/1.1\r\nHost: x\r\n\r\n',
    'zeros': b'\x00' * 64,
    'many-small-frames': b''.join(frame(1, b'\xa0') for _ in range(500)),
}
os.makedirs('frames', exist_ok=True)
for name, data in cases.items():
    with open(os.path.join('frames', name + '.bin'), 'wb') as f:
        f.write(data)
print(len(cases), 'files')
