"""Whether fetched bytes are a raster image we may serve, judged by the bytes themselves.

The upstream Content-Type is never trusted: an "image" that is HTML, SVG (which can carry
script), a zip or a truncated file is refused. Pillow reads the header and verifies the
file's structure without decoding the pixels; its decompression-bomb guard refuses images
whose pixel count would exhaust memory when a browser decodes them.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
MAX_PIXELS = 50_000_000


class NotAnImage(ValueError):
    """The bytes are not a raster image we serve; the message says what they are instead."""


@dataclass(frozen=True)
class Raster:
    media_type: str
    width: int
    height: int


def check_raster(content: bytes) -> Raster:
    if not content:
        raise NotAnImage("the image is empty")
    head = content[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!doctype", b"<html")):
        raise NotAnImage("the image is markup (HTML or SVG), not a raster image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                kind, (width, height) = image.format or "", image.size
                if width * height > MAX_PIXELS:
                    raise NotAnImage(f"the image is {width}×{height} pixels, too large to show")
                image.verify()
    except NotAnImage:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise NotAnImage("the bytes are not an image format we serve") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise NotAnImage(f"the image is damaged ({error})") from None
    media_type = MEDIA_TYPES.get(kind)
    if media_type is None:
        raise NotAnImage(f"{kind or 'this'} images are not served; JPEG, PNG, GIF and WebP are")
    return Raster(media_type, width, height)
