"""What a quote tick renders anew: the parts that show the quote, never the headlines,
the articles or another instrument's page around them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from fastapi.testclient import TestClient

from tickerwire.markets.poller import quote_event
from tickerwire.runtime import Runtime
from tickerwire.web.cache import RenderCache, sources_of


def _tick(runtime: Runtime, cache: RenderCache, symbol: str) -> None:
    """What the app does when the poller publishes ``symbol``'s stored quote."""
    instrument = runtime.registry.get(symbol)
    quote = runtime.markets.latest_quotes([symbol])[symbol]
    cache.changed(sources_of(quote_event(quote, instrument)))


def _pages(client: TestClient) -> list[str]:
    home = client.get("/index.json").json()
    article = next(h["path"] for h in home["headlines"] if h["path"].startswith("/article/"))
    return ["/", article, "/quote/SPX", "/quote/GC"]


def _renders_after(client: TestClient, change: Callable[[], None]) -> Counter[str]:
    cache: RenderCache = client.app.state.cache  # type: ignore[attr-defined]
    before = cache.renders_of.copy()
    change()
    return cache.renders_of - before


def test_a_tick_reassembles_every_page_from_its_skeleton_and_renders_the_ribbon_once(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, runtime = news_portal
    cache: RenderCache = client.app.state.cache  # type: ignore[attr-defined]
    pages = _pages(client)
    for path in pages:
        assert client.get(path).status_code == 200

    def tick_and_read() -> None:
        _tick(runtime, cache, "BTCUSD")
        for path in pages:
            assert client.get(path).status_code == 200

    grown = _renders_after(client, tick_and_read)
    assert grown["html"] == 0  # no skeleton: headlines, article, charts stay as rendered
    assert grown["page"] == len(pages)  # each page joined anew from ready bytes
    assert 1 <= grown["part"] <= 3  # the ribbon once for all, the movers, chips naming it


def test_a_tick_of_an_instrument_renders_its_own_quote_page_anew(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, runtime = news_portal
    cache: RenderCache = client.app.state.cache  # type: ignore[attr-defined]
    client.get("/quote/SPX")
    client.get("/quote/GC")

    def tick_and_read() -> None:
        _tick(runtime, cache, "SPX")
        client.get("/quote/SPX")
        client.get("/quote/GC")

    assert _renders_after(client, tick_and_read)["html"] == 1  # SPX's, not gold's


def test_an_assembled_page_shows_no_marker_and_every_part(
    news_portal: tuple[TestClient, Runtime],
) -> None:
    client, _ = news_portal
    for path in _pages(client):
        html = client.get(path).text
        assert "tw-part" not in html, path
        assert 'id="ribbon"' in html, path
    assert 'id="movers"' in client.get("/").text
