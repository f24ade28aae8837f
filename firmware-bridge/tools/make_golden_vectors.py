#!/usr/bin/env python3
"""Writes golden-vectors.txt: byte-exact frames checked by the C and C# tests.

Independent of both implementations: CRC-32 from zlib, COBS written here from the
published algorithm. Run: /usr/bin/python3 tools/make_golden_vectors.py > golden-vectors.txt
"""
import struct
import zlib


def cobs(data: bytes) -> bytes:
    out = bytearray([0])
    code_at, code = 0, 1
    for b in data:
        if b == 0:
            out[code_at] = code
            code_at, code = len(out), 1
            out.append(0)
        else:
            out.append(b)
            code += 1
            if code == 0xFF:
                out[code_at] = code
                code_at, code = len(out), 1
                out.append(0)
    out[code_at] = code
    return bytes(out)


def frame(mtype, seq, ack, payload=b"", version=1):
    body = struct.pack("<BBHH", version, mtype, seq, ack) + payload
    return body + struct.pack("<I", zlib.crc32(body) & 0xFFFFFFFF)


def f32(*v):
    return b"".join(struct.pack("<f", x) for x in v)


vectors = [
    ("hello_request", frame(0x01, 1, 0)),
    ("hello_pong", frame(0x01, 1, 0,
        bytes([1, 2, 3]) + struct.pack("<I", 0xC0FFEE01) + bytes([2, 1])
        + bytes([2]) + f32(0.0, 1.0)
        + bytes([3]) + f32(-1.0, 1.0)
        + bytes([3]) + f32(-1.0, 1.0, 0.0))),
    ("sensor_3ch", frame(0x02, 0x1234, 0, struct.pack("<I", 123456789) + bytes([0, 3]) + f32(0.5, -0.25, 1.0))),
    ("actuate_2ch", frame(0x03, 7, 0, bytes([2, 0]) + f32(0.75) + bytes([1]) + f32(-1.0))),
    ("heartbeat_host", frame(0x04, 0xFFFF, 0, struct.pack("<IB", 1000, 0))),
    ("heartbeat_mcu_safe", frame(0x04, 42, 0xFFFF, struct.pack("<IB", 0xFFFFFFFF, 1))),
    ("config_sensor_period", frame(0x05, 9, 0, bytes([1]) + struct.pack("<I", 10000))),
    ("config_safe_value", frame(0x05, 10, 0, bytes([3, 0]) + f32(0.0))),
    ("ack", frame(0x06, 300, 7)),
    ("nak_bad_channel", frame(0x07, 301, 8, bytes([3]))),
    ("reset", frame(0x08, 2, 0)),
    # Few zero bytes: long COBS blocks (a valid frame is at most 202 bytes, so no 254-byte block exists).
    ("sensor_long_nonzero", frame(0x02, 0x0101, 0x0101, struct.pack("<I", 0x01010101) + bytes([1, 8]) + f32(*([1.5] * 8)))),
]

print("# IFM firmware-bridge golden vectors, protocol version 1.")
print("# name <TAB> decoded frame (header+payload+CRC-32 LE) hex <TAB> wire bytes (COBS + 0x00) hex")
for name, dec in vectors:
    enc = cobs(dec) + b"\x00"
    print(f"{name}\t{dec.hex()}\t{enc.hex()}")
