"""The image path of the portal: a source URL in, a checked image from our cache out.

Every fetch goes through the one guarded fetcher (the same address rules, size cap and
deadline as feeds and pages). Many readers asking for one image at once cause one fetch.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from tickerwire.media.cache import CachedImage, ImageCache, Unavailable
from tickerwire.media.raster import NotAnImage, check_raster
from tickerwire.media.signing import MediaSigner
from tickerwire.net.errors import FetchError
from tickerwire.net.fetch import Fetcher
from tickerwire.types import Clock


class MediaProxy:
    def __init__(
        self,
        fetcher: Fetcher,
        cache: ImageCache,
        signer: MediaSigner,
        *,
        max_bytes: int,
        retry_after: timedelta,
        clock: Clock,
    ) -> None:
        self.signer = signer
        self._fetcher = fetcher
        self._cache = cache
        self._max_bytes = max_bytes
        self._retry_after = retry_after
        self._clock = clock
        self._pending: dict[str, asyncio.Task[CachedImage | Unavailable]] = {}

    def path(self, url: str) -> str:
        """The signed path our pages use for the image at ``url``."""
        return self.signer.path(url)

    async def image(self, url: str) -> CachedImage | Unavailable:
        """The image at ``url``, from the cache or fetched now; or why it cannot be had."""
        known = await asyncio.to_thread(self._cache.get, url)
        if isinstance(known, CachedImage):
            return known
        if isinstance(known, Unavailable) and known.retry_at > self._clock():
            return known
        task = self._pending.get(url)
        if task is None:
            task = self._pending[url] = asyncio.create_task(self._fetch(url))
            task.add_done_callback(lambda _: self._pending.pop(url, None))
        return await asyncio.shield(task)

    async def _fetch(self, url: str) -> CachedImage | Unavailable:
        now: datetime = self._clock()
        retry_at = now + self._retry_after
        try:
            response = await self._fetcher.get(url, max_bytes=self._max_bytes)
            raster = check_raster(response.content)
        except (FetchError, NotAnImage) as error:
            return await asyncio.to_thread(self._cache.remember_failure, url, str(error), retry_at)
        stored = await asyncio.to_thread(
            self._cache.put,
            url,
            response.content,
            raster.media_type,
            raster.width,
            raster.height,
            now,
        )
        if stored is None:
            reason = "the image is larger than the whole image budget"
            return await asyncio.to_thread(self._cache.remember_failure, url, reason, retry_at)
        return stored
