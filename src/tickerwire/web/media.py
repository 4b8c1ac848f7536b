"""``/media/<digest>/<encoded URL>``: article images from our own origin.

Only URLs our pages signed are fetched. The answer is the checked image with the type its
bytes showed, under a policy that lets nothing in it run (``default-src 'none'; sandbox``)
and ``nosniff``; an image that cannot be had is a neutral placeholder picture with a 404,
so the figure keeps its caption and credit. No part of the request is echoed back.
"""

from __future__ import annotations

import io
from functools import cache
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse, Response
from PIL import Image, ImageDraw

from tickerwire.media.cache import CachedImage
from tickerwire.runtime import Runtime
from tickerwire.web.deps import get_runtime

router = APIRouter(include_in_schema=False)
IMAGE_POLICY = "default-src 'none'; sandbox"
YEAR = 365 * 24 * 3600
PLACEHOLDER_SIZE = (320, 180)
PLACEHOLDER_BACKGROUND = (118, 122, 128)
"""A mid grey: a quiet box on the light page and on the dark one alike."""
PLACEHOLDER_ICON = (168, 172, 178)


def _headers(max_age: int) -> dict[str, str]:
    return {
        "Content-Security-Policy": IMAGE_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": f"public, max-age={max_age}" + (", immutable" if max_age >= YEAR else ""),
    }


@cache
def placeholder_png() -> bytes:
    """A grey picture with the outline of a photo (a frame, a hill, a sun) in the figure's
    place, so a reader sees that a photo belongs there; drawn once, no words to translate."""
    width, height = PLACEHOLDER_SIZE
    image = Image.new("RGB", PLACEHOLDER_SIZE, PLACEHOLDER_BACKGROUND)
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = width * 0.38, height * 0.3, width * 0.62, height * 0.7
    draw.rounded_rectangle((left, top, right, bottom), radius=6, outline=PLACEHOLDER_ICON, width=4)
    draw.polygon(
        [(left + 8, bottom - 8), (width * 0.47, height * 0.47), (right - 8, bottom - 8)],
        fill=PLACEHOLDER_ICON,
    )
    sun = (width * 0.56, height * 0.4)
    draw.ellipse((sun[0] - 7, sun[1] - 7, sun[0] + 7, sun[1] + 7), fill=PLACEHOLDER_ICON)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _unavailable() -> Response:
    return Response(placeholder_png(), 404, headers=_headers(300), media_type="image/png")


@router.get("/media/{digest}/{encoded}")
async def media(
    digest: str, encoded: str, runtime: Annotated[Runtime, Depends(get_runtime)]
) -> Response:
    proxy = runtime.media
    url = proxy.signer.verify(digest, encoded) if proxy is not None else None
    if proxy is None or url is None:
        return _unavailable()
    image = await proxy.image(url)
    if not isinstance(image, CachedImage):
        return _unavailable()
    return FileResponse(image.path, media_type=image.media_type, headers=_headers(YEAR))
