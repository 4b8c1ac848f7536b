"""Content-Encoding decoding that never inflates more than the caller's cap.

httpx decompresses each network chunk in full, so one 64 KiB chunk of a gzip bomb can grow
to 64 MiB before anyone counts it. Here every call to zlib passes ``max_length``, so the
output of a chunk can exceed the room left by at most one byte, and a bomb stops at the
cap. Only the encodings we ask for (gzip, deflate) are accepted.
"""

from __future__ import annotations

import zlib

ACCEPT_ENCODING = "gzip, deflate"

_GZIP_MAGIC = b"\x1f\x8b"


class Overflow(Exception):
    """The decoded body would go past the room it was given."""


class UnsupportedEncoding(ValueError):
    """A Content-Encoding we neither asked for nor can decode safely."""


class BodyDecoder:
    """Decodes one response body chunk by chunk, within a room given per chunk."""

    def __init__(self, content_encoding: str | None) -> None:
        codings = [
            token.strip().lower()
            for token in (content_encoding or "").split(",")
            if token.strip().lower() not in ("", "identity")
        ]
        if len(codings) > 1:
            raise UnsupportedEncoding(f"stacked content encodings {content_encoding!r}")
        self._coding = codings[0] if codings else None
        if self._coding not in (None, "gzip", "x-gzip", "deflate"):
            raise UnsupportedEncoding(f"content encoding {self._coding!r}")
        self._inflater: zlib._Decompress | None = None
        self._members = 0
        self._pending = b""
        self._finished = False

    @property
    def identity(self) -> bool:
        """True when the body arrives as it is, so Content-Length is its decoded size."""
        return self._coding is None

    def decode(self, data: bytes, room: int) -> bytes:
        """The decoded bytes of ``data``; raises :class:`Overflow` past ``room`` bytes and
        :class:`zlib.error` on a corrupt stream."""
        if self._coding is None:
            if len(data) > room:
                raise Overflow
            return data
        parts: list[bytes] = []
        while data and not self._finished:
            if self._inflater is None:
                data = self._pending + data
                self._pending = b""
                if len(data) < len(_GZIP_MAGIC):  # too short to tell what follows
                    self._pending = data
                    break
                if self._members and not data.startswith(_GZIP_MAGIC):
                    # Servers pad gzip bodies with junk that clients ignore.
                    self._finished = True
                    break
                self._inflater = _inflater_for(self._coding, data)
            part = self._inflater.decompress(data, room + 1)
            if len(part) > room:
                raise Overflow
            room -= len(part)
            parts.append(part)
            data = b""
            if self._inflater.eof:
                data = self._inflater.unused_data
                self._inflater = None
                self._members += 1
                # Only gzip bodies may hold several members back to back.
                self._finished = self._coding == "deflate"
        return b"".join(parts)


def _inflater_for(coding: str, first: bytes) -> zlib._Decompress:
    if coding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    # "deflate" is meant to be zlib-wrapped, but many servers send raw deflate: the two-byte
    # zlib header (method 8, checksum a multiple of 31) tells them apart.
    wrapped = len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0
    return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
