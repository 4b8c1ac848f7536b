"""Small images made on the spot for the image-path tests (nothing copied from elsewhere)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def picture(
    kind: str = "PNG",
    size: tuple[int, int] = (64, 48),
    color: tuple[int, int, int] = (30, 120, 200),
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=kind)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width``×``height`` pixels (a decompression bomb's
    calling card), with a valid header checksum so only the size gives it away."""
    data = bytearray(picture("PNG", (1, 1)))
    header = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return bytes(data)
