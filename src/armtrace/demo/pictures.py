"""Small pictures for the demo's photographs: real PNG files, made here, so the demo ships no image.

A photograph of a receiver whose serial was ground off stands in for what cannot be read
(ISACS 05.31); these are plain grey plates with a darker band where the serial was.
"""

from __future__ import annotations

import struct
import zlib


def plate(width: int = 96, height: int = 48, shade: int = 128) -> bytes:
    """A PNG of a grey plate with a dark band across it."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # no filter
        value = shade // 3 if height // 3 <= y < 2 * height // 3 else shade
        rows.extend(bytes([value]) * width)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + _chunk(b"IDAT", zlib.compress(bytes(rows)))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
