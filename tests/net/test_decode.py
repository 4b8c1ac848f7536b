"""Content-Encoding decoding within a cap, fed the way a network delivers: in pieces."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterable

import pytest

from tickerwire.net.decode import BodyDecoder, Overflow, UnsupportedEncoding

TEXT = b"Markets closed higher on Tuesday. " * 200


def pieces(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def decode_all(encoding: str | None, chunks: Iterable[bytes], cap: int = 1 << 20) -> bytes:
    decoder = BodyDecoder(encoding)
    out = b""
    for chunk in chunks:
        out += decoder.decode(chunk, cap - len(out))
    return out


def raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize("size", [1, 7, 4096])
def test_gzip_decodes_whatever_the_chunk_size(size: int) -> None:
    assert decode_all("gzip", pieces(gzip.compress(TEXT), size)) == TEXT


@pytest.mark.parametrize("size", [1, 4096])
def test_zlib_wrapped_deflate_decodes(size: int) -> None:
    assert decode_all("deflate", pieces(zlib.compress(TEXT), size)) == TEXT


@pytest.mark.parametrize("size", [1, 4096])
def test_raw_deflate_decodes_too(size: int) -> None:
    assert decode_all("deflate", pieces(raw_deflate(TEXT), size)) == TEXT


@pytest.mark.parametrize("size", [1, 3, 4096])
def test_gzip_members_back_to_back_all_decode(size: int) -> None:
    body = gzip.compress(TEXT) + gzip.compress(b"second member")
    assert decode_all("gzip", pieces(body, size)) == TEXT + b"second member"


def test_padding_after_the_gzip_stream_is_ignored() -> None:
    assert decode_all("x-gzip", [gzip.compress(TEXT) + b"\0\0\0\0"]) == TEXT


def test_identity_passes_bytes_through() -> None:
    assert decode_all("identity", pieces(TEXT, 100)) == TEXT
    assert BodyDecoder(None).identity


@pytest.mark.parametrize("encoding", [None, "gzip", "deflate"])
def test_output_past_the_room_overflows(encoding: str | None) -> None:
    packed = {None: TEXT, "gzip": gzip.compress(TEXT), "deflate": zlib.compress(TEXT)}
    with pytest.raises(Overflow):
        BodyDecoder(encoding).decode(packed[encoding], len(TEXT) - 1)


def test_output_exactly_the_room_fits() -> None:
    assert BodyDecoder("gzip").decode(gzip.compress(TEXT), len(TEXT)) == TEXT


def test_a_bomb_overflows_from_a_single_small_chunk() -> None:
    bomb = gzip.compress(bytes(16 << 20))
    with pytest.raises(Overflow):
        BodyDecoder("gzip").decode(bomb, 1024)


def test_a_corrupt_stream_raises_zlib_error() -> None:
    with pytest.raises(zlib.error):
        BodyDecoder("gzip").decode(b"\x1f\x8bnot really gzip at all", 1024)


@pytest.mark.parametrize("encoding", ["br", "zstd", "compress", "gzip, deflate"])
def test_encodings_not_asked_for_are_unsupported(encoding: str) -> None:
    with pytest.raises(UnsupportedEncoding):
        BodyDecoder(encoding)
