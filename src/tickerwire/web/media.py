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
from PIL import Image

from tickerwire.media.cache import CachedImage
from tickerwire.runtime import Runtime
from tickerwire.web.deps import get_runtime

router = APIRouter(include_in_schema=False)
IMAGE_POLICY = "default-src 'none'; sandbox"
YEAR = 365 * 24 * 3600
PLACEHOLDER_SIZE = (320, 180)
PLACEHOLDER_GREY = (200, 200, 200)


def _headers(max_age: int) -> dict[str, str]:
    return {
        "Content-Security-Policy": IMAGE_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": f"public, max-age={max_age}" + (", immutable" if max_age >= YEAR else ""),
    }


@cache
def placeholder_png() -> bytes:
    """A flat grey picture in the figure's place; drawn once, with nothing in it to read."""
    buffer = io.BytesIO()
    Image.new("RGB", PLACEHOLDER_SIZE, PLACEHOLDER_GREY).save(buffer, format="PNG")
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
