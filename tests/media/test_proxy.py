"""The image path end to end against a local publisher: guarded fetch, byte check, cache
within its budget, and a remembered failure for what cannot be served."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from support.http_server import ForbiddenListener, LocalServer, Reply
from support.images import picture
from tickerwire.config import FetchSettings
from tickerwire.media.cache import CachedImage, ImageCache, Unavailable
from tickerwire.media.proxy import MediaProxy
from tickerwire.media.signing import MediaSigner
from tickerwire.net.fetch import Fetcher

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
PNG = picture("PNG", (64, 48))


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as server:
        server.route("/a.png", Reply(body=PNG, headers={"Content-Type": "image/png"}))
        server.route(
            "/lying.jpg", Reply(body=b"<html>gotcha</html>", headers={"Content-Type": "image/jpeg"})
        )
        server.route("/huge.jpg", Reply(body=b"\xff\xd8\xff" + b"\x00" * 300_000))
        yield server


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(FetchSettings(allow_hosts=["127.0.0.1"], deadline=3)) as fetcher:
        yield fetcher


def proxy_with(fetcher: Fetcher, folder: Path, budget: int = 10_000_000) -> MediaProxy:
    return MediaProxy(
        fetcher,
        ImageCache(folder, budget),
        MediaSigner(b"k" * 32),
        max_bytes=100_000,
        retry_after=timedelta(hours=1),
        clock=lambda: NOW,
    )


async def test_an_image_is_fetched_once_then_served_from_the_cache(
    server: LocalServer, fetcher: Fetcher, tmp_path: Path
) -> None:
    proxy = proxy_with(fetcher, tmp_path)
    first = await proxy.image(server.url("/a.png"))
    second = await proxy.image(server.url("/a.png"))
    assert isinstance(first, CachedImage) and isinstance(second, CachedImage)
    assert first.media_type == "image/png" and (first.width, first.height) == (64, 48)
    assert second.path.read_bytes() == PNG
    assert server.paths().count("/a.png") == 1


async def test_a_page_served_as_an_image_is_refused_and_not_refetched_for_a_while(
    server: LocalServer, fetcher: Fetcher, tmp_path: Path
) -> None:
    proxy = proxy_with(fetcher, tmp_path)
    refused = await proxy.image(server.url("/lying.jpg"))
    assert isinstance(refused, Unavailable) and "markup" in refused.reason
    assert isinstance(await proxy.image(server.url("/lying.jpg")), Unavailable)
    assert server.paths().count("/lying.jpg") == 1


async def test_an_image_over_the_size_cap_is_refused(
    server: LocalServer, fetcher: Fetcher, tmp_path: Path
) -> None:
    refused = await proxy_with(fetcher, tmp_path).image(server.url("/huge.jpg"))
    assert isinstance(refused, Unavailable)


async def test_an_image_at_a_private_address_is_never_fetched(
    server: LocalServer, tmp_path: Path
) -> None:
    async with Fetcher(FetchSettings(deadline=3)) as guarded:
        with ForbiddenListener("127.0.0.2", server.port) as listener:
            refused = await proxy_with(guarded, tmp_path).image(listener.url("/a.png"))
            assert listener.connections == []
    assert isinstance(refused, Unavailable) and "not a public address" in refused.reason


async def test_the_cache_never_grows_past_its_budget(
    server: LocalServer, fetcher: Fetcher, tmp_path: Path
) -> None:
    for name in ("b", "c", "d"):
        server.route(f"/{name}.png", Reply(body=picture("PNG", (64, 48))))
    proxy = proxy_with(fetcher, tmp_path, budget=2 * len(PNG) + 10)
    for name in ("a", "b", "c", "d"):
        assert isinstance(await proxy.image(server.url(f"/{name}.png")), CachedImage)
    cache = ImageCache(tmp_path, 2 * len(PNG) + 10)  # counts what is on disk afresh
    assert cache.used_bytes <= cache.budget_bytes
    assert isinstance(cache.get(server.url("/d.png")), CachedImage)  # the newest stays
    assert cache.get(server.url("/a.png")) is None  # the least recently served went
