"""Writes content/datasets/sea-ice-extent/thumb.png: a PNG whose header declares 9000 x 9000
pixels, with one tiny IDAT chunk. Almanac refuses it by its declared size, before any row is
decoded (`thumbnail-too-large`). Run from this folder: python3 make.py"""

import struct
import zlib


def chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


header = struct.pack(">IIBBBBB", 9000, 9000, 8, 0, 0, 0, 0)
png = (
    b"\x89PNG\r\n\x1a\n"
    + chunk(b"IHDR", header)
    + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    + chunk(b"IEND", b"")
)
with open("content/datasets/sea-ice-extent/thumb.png", "wb") as file:
    file.write(png)
