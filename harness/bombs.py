"""Pictures with more pixels than an image service will decode, made in an instant.

Encoding a 30000 x 30000 PNG the usual way means compressing 900 MB of pixels (seconds, and
the memory to hold them). Every row of a blank picture is alike, and after a full flush a
deflate compressor starts afresh, so each row compresses to the very same bytes: compress one
row, repeat its bytes, and write the zlib checksum from its formula.
"""

from __future__ import annotations

import struct
import zlib

ADLER_MODULUS = 65521


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def blank_png(width: int, height: int) -> bytes:
    """A valid 8-bit greyscale PNG, every pixel black."""
    row = bytes(width + 1)  # filter type 0 (none), then the row's pixels
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: the zlib frame is ours
    one_row = compressor.compress(row) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.flush()
    # Adler-32 of n zero bytes: the sum of the bytes stays 1, the sum of those sums is n.
    checksum = ((height * len(row)) % ADLER_MODULUS) << 16 | 1
    data = b"\x78\xda" + one_row * height + end + struct.pack(">I", checksum)
    return (b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + _chunk(b"IDAT", data) + _chunk(b"IEND", b""))
