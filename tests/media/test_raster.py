"""Only raster images we can vouch for by their bytes are served; the upstream type is
never believed."""

from __future__ import annotations

import io
import zipfile

import pytest

from support.images import picture, png_claiming
from tickerwire.media.raster import NotAnImage, check_raster


@pytest.mark.parametrize(
    ("kind", "media_type"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif"), ("WEBP", "image/webp")],
)
def test_raster_images_are_recognised_by_their_bytes(kind: str, media_type: str) -> None:
    raster = check_raster(picture(kind, (64, 48)))
    assert (raster.media_type, raster.width, raster.height) == (media_type, 64, 48)


def zipped() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "not a picture")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"<!doctype html><html><body>Not found</body></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        zipped(),
        picture("PNG")[:40],
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    ],
    ids=["empty", "html", "svg-with-script", "svg", "zip", "truncated-png", "fake-png"],
)
def test_anything_else_is_refused_with_a_reason(content: bytes) -> None:
    with pytest.raises(NotAnImage) as refusal:
        check_raster(content)
    assert str(refusal.value)


def test_an_image_claiming_billions_of_pixels_is_refused() -> None:
    with pytest.raises(NotAnImage, match=r"pixels|format"):
        check_raster(png_claiming(100_000, 100_000))
