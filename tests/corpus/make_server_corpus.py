#!/usr/bin/env python3
"""Writes the seed corpus in server/ (run from this folder): server scripts as described in
tests/support/serverscript.h. fuzz_server starts from these and tst_server_corpus replays
every file in server/ (including crashes the fuzzer found, added by hand).

real-encoder-*.bin are built from real encoder output: ffmpeg (libx264 + aac) encodes two
seconds of its test source and a sine, and each access unit / AAC frame becomes one media
packet with its true timestamps. ffmpeg is only needed to regenerate them."""
import os
import shutil
import struct
import subprocess
import tempfile

US = 1_000_000


def video_params(width, height, fps_num=15, fps_den=1, extradata=b''):
    assert len(extradata) < 256
    return struct.pack('>HHBBB', width - 16, height - 16, fps_num - 1, fps_den - 1, len(extradata)) + extradata


def audio_params(rate_index=7, channels=1, asc=b''):  # index 7: 48000 Hz
    return struct.pack('>BBB', rate_index, channels - 1, len(asc)) + asc


def media(track, key, pts, dts, duration, payload, bad_flag=False):
    """A media operation with raw timestamps (timing mode 2)."""
    assert len(payload) < 65536 and duration < 65536 * 16
    desc = track | (4 if key else 0) | (8 if bad_flag else 0) | (2 << 4)
    return struct.pack('>BBqqHH', 0, desc, pts, dts, duration // 16, len(payload)) + payload


def stepped(track, key, step_units, pts_offset_ms, duration, size, payload, mode=0, big=False, raw_duration=None):
    desc = track | (4 if key else 0) | (mode << 4) | (0x40 if big else 0) | (0x80 if raw_duration is not None else 0)
    out = struct.pack('>BBHB', 0, desc, step_units, pts_offset_ms)
    out += struct.pack('>I', raw_duration) if raw_duration is not None else struct.pack('>H', duration // 16)
    return out + struct.pack('>H', size) + payload


def republish(params):
    return bytes([11]) + params


def split_annexb(stream):
    """The SPS/PPS in front and the access units of an Annex B stream: a new unit starts at
    a slice (IDR or not) whose first_mb_in_slice is 0, i.e. whose ue(v) starts with a 1 bit."""
    starts = []
    i = 0
    while True:
        j = stream.find(b'\x00\x00\x01', i)
        if j < 0:
            break
        start = j - 1 if j > 0 and stream[j - 1] == 0 else j
        starts.append((start, j + 3))
        i = j + 3
    nals = []
    for n, (start, payload) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(stream)
        kind = stream[payload] & 0x1F
        first_slice = kind in (1, 5) and bool(stream[payload + 1] & 0x80)
        nals.append((kind, first_slice, stream[start:end]))
    extradata = b''.join(nal for kind, _, nal in nals if kind in (7, 8))
    units = []  # [key, bytes]
    pending = b''  # SEI and the like, in front of the next unit
    for kind, first_slice, nal in nals:
        if kind in (7, 8):
            continue
        if first_slice:
            units.append([kind == 5, pending + nal])
            pending = b''
        elif kind in (1, 5) and units:
            units[-1][1] += nal
        else:
            pending += nal
    return extradata, [tuple(u) for u in units]


def split_adts(stream):
    frames = []
    i = 0
    while i + 7 <= len(stream):
        protection_absent = stream[i + 1] & 1
        length = ((stream[i + 3] & 3) << 11) | (stream[i + 4] << 3) | (stream[i + 5] >> 5)
        header = 7 if protection_absent else 9
        frames.append(stream[i + header:i + length])
        i += length
    return frames


def real_encoder_scripts():
    if not shutil.which('ffmpeg'):
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        h264, aac = os.path.join(tmp, 'v.h264'), os.path.join(tmp, 'a.aac')
        quiet = ['ffmpeg', '-hide_banner', '-loglevel', 'error', '-y']
        subprocess.run(quiet + ['-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=15', '-t', '2', '-pix_fmt', 'yuv420p',
                                '-c:v', 'libx264', '-profile:v', 'main', '-preset', 'ultrafast', '-tune', 'zerolatency',
                                '-bf', '0', '-x264-params', 'keyint=15:min-keyint=15:scenecut=0', '-f', 'h264', h264],
                       check=True)
        subprocess.run(quiet + ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '2', '-c:a', 'aac',
                                '-b:a', '48k', '-ac', '1', '-f', 'adts', aac], check=True)
        extradata, units = split_annexb(open(h264, 'rb').read())
        frames = split_adts(open(aac, 'rb').read())
    frame_us, audio_us = US // 15, 1024 * US // 48000
    ops = []
    # Interleaved by time, as a publisher sends them; starts 5 s into the capture clock.
    origin = 5 * US
    events = [(origin + n * US // 15, 0, n) for n in range(len(units))]
    events += [(origin + n * 1024 * US // 48000, 2, n) for n in range(len(frames))]
    for t, track, n in sorted(events):
        if track == 0:
            key, data = units[n]
            ops.append(media(0, key, t, t, frame_us, data))
        else:
            ops.append(media(2, False, t, t, audio_us, frames[n]))
    av = bytes([1]) + video_params(320, 180, 15, 1, extradata) + audio_params(7, 1) + b''.join(ops)
    video_only = bytes([0]) + video_params(320, 180, 15, 1, extradata) + b''.join(op for op in ops if (op[1] & 3) == 0)
    # The sub-stream with a re-publish in the middle (a new file from the next key frame).
    sub_ops = [op for op in ops if (op[1] & 3) == 0]
    for n, op in enumerate(sub_ops):
        sub_ops[n] = op[:1] + bytes([op[1] | 1]) + op[2:]
    half = len(sub_ops) // 2
    sub = bytes([2]) + video_params(320, 180, 15, 1, extradata) + b''.join(sub_ops[:half]) \
        + republish(video_params(320, 180, 15, 1, extradata)) + b''.join(sub_ops[half:])
    # Screenshot + transcode + watermark: post-processing runs on real frames.
    processed = bytes([1 | 4 | 8 | 16]) + av[1:]
    return {'real-encoder-av': av, 'real-encoder-video-only': video_only, 'real-encoder-substream-republish': sub,
            'real-encoder-postprocessing': processed}


def synthetic_scripts():
    key_payload = b'\x00\x00\x00\x01\x65' + bytes(range(200))
    delta_payload = b'\x00\x00\x00\x01\x41' + bytes(range(100))
    cases = {}
    base = bytes([1]) + video_params(640, 360) + audio_params()
    cases['stepped-av'] = base + b''.join(
        stepped(0, n % 10 == 0, 4166, 0, 66666, len(key_payload if n % 10 == 0 else delta_payload),
                key_payload if n % 10 == 0 else delta_payload) for n in range(40))
    # Time going backwards, B-frame style pts offsets, a jump of minutes (segment cut).
    cases['time-backwards-and-jumps'] = base + b''.join([
        stepped(0, True, 100, 0, 33333, 5, key_payload[:5]),
        stepped(0, False, 2000, 0, 33333, 5, delta_payload[:5], mode=1),
        stepped(0, False, 100, 66, 33333, 5, delta_payload[:5]),
        stepped(0, True, 60000, 0, 33333, 5, key_payload[:5], mode=3),
        stepped(2, False, 100, 0, 21333, 4, b'\x21\x10\x04\x60'),
        stepped(0, False, 100, 0, 0, 5, delta_payload[:5], raw_duration=0xFFFFFFFF),
    ])
    # Large payloads (the muxer's fragment cap), extreme raw timestamps, bad tracks and flags.
    cases['big-and-odd'] = base + b''.join([
        media(0, True, 0, 0, 33333, key_payload),
        stepped(0, False, 2, 0, 33333, 65535, bytes(64), big=True),
        stepped(0, False, 2, 0, 33333, 16000, b'\xff' * 64, big=True),
        media(0, False, 2**62, 2**62, 33333, delta_payload),
        media(0, False, -5, -5, 33333, delta_payload),
        media(3, True, 10**6, 10**6, 33333, key_payload),
        media(0, True, 2 * 10**6, 2 * 10**6, 33333, key_payload, bad_flag=True),
        media(1, True, 2 * 10**6, 2 * 10**6, 33333, key_payload),
    ])
    # Re-publish with other sizes and garbage extradata, unpublish, stop/start, raw bytes.
    cases['republish-stop-start'] = base + b''.join([
        media(0, True, 10**6, 10**6, 33333, key_payload),
        republish(video_params(7680, 4320, 240, 1, b'\x01\x02\x03') + audio_params(10, 8, b'\xff')),
        media(0, True, 2 * 10**6, 2 * 10**6, 33333, key_payload),
        bytes([15]) + video_params(16, 16),
        bytes([12, 1]),
        bytes([13]),
        media(0, True, 3 * 10**6, 3 * 10**6, 33333, key_payload),
        bytes([12, 0]),
        media(0, True, 4 * 10**6, 4 * 10**6, 33333, key_payload),
        bytes([14, 5]) + struct.pack('>IB', 0xFFFFFFFF, 2),
    ])
    cases['prologue-only'] = bytes([0]) + video_params(320, 180)
    return cases


def main():
    os.makedirs('server', exist_ok=True)
    cases = synthetic_scripts()
    cases.update(real_encoder_scripts())
    for name, data in cases.items():
        with open(os.path.join('server', name + '.bin'), 'wb') as f:
            f.write(data)
    print(len(cases), 'files')


if __name__ == '__main__':
    main()
