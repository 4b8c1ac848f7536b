"""Yahoo's cookie-and-crumb handshake and the batched quote endpoint it opens.

Shapes, none of them documented by Yahoo, come from how the clients that use them describe
them: the flow (a cookie from fc.yahoo.com, then ``/v1/test/getcrumb`` answering the crumb
as text, then ``crumb=`` on ``/v7/finance/quote``) from yfinance's ``data.py`` and
https://github.com/scheb/yahoo-finance-api/issues/38; the 401 body
``{"finance": {"result": null, "error": {"code": "Unauthorized", "description": "Invalid
Crumb"}}}`` from https://github.com/iprak/yahoofinance/issues/93 and
https://github.com/sstrickx/yahoofinance-api/pull/223; a crumb request answered with the
text "Too Many Requests" from https://github.com/36bits/msmquote/issues/17; the
``quoteResponse.result`` fields (regularMarketPrice, regularMarketTime, ...) as the
chart meta names them. fc.yahoo.com really answers 404 with its Set-Cookie (yfinance's
``data.py`` reads the cookie off that 404), so the local server answers both ways.
"""

from __future__ import annotations

import itertools
import json

import pytest

from support.http_server import RecordedRequest, Reply
from support.provider_server import RESPONSES, ProviderServer
from tickerwire.config import ProviderSettings
from tickerwire.instruments import Registry
from tickerwire.markets.providers.base import ProviderError
from tickerwire.markets.providers.yahoo import YahooProvider
from tickerwire.net.fetch import Fetcher

pytestmark = pytest.mark.anyio

REGISTRY = Registry.build()
SPX, FTSE, DJI, IXIC = (REGISTRY.get(s) for s in ("SPX", "FTSE", "DJI", "IXIC"))
QUOTE = "/v7/finance/quote"
CRUMB = "/v1/test/getcrumb"
COOKIE = "A3=d=AQABBKx1&S=AQAAAk; Expires=Sat, 22 Nov 2025 21:00:00 GMT; Domain=.yahoo.com; "
COOKIE += "Path=/; SameSite=None; Secure; HttpOnly"


@pytest.fixture
def yahoo(
    server: ProviderServer, provider_settings: ProviderSettings, fetcher: Fetcher
) -> YahooProvider:
    settings = provider_settings.model_copy(update={"yahoo_cookie_url": server.url("/fc")})
    return YahooProvider(settings, fetcher, max_bytes=65536)


def shake_hands(
    server: ProviderServer, crumb: str = "yahoo/getcrumb.txt", cookie_status: int = 200
) -> None:
    server.route("/fc", Reply(cookie_status, b"", {"Set-Cookie": COOKIE}))
    server.serve_file(CRUMB, crumb, **{"Content-Type": "text/plain"})


def requests_to(server: ProviderServer, path: str) -> list[RecordedRequest]:
    return [r for r in server.requests if r.path.split("?")[0] == path]


async def test_all_quotes_come_from_one_request_carrying_cookie_and_crumb(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    shake_hands(server)
    server.serve_file(QUOTE, "yahoo/quote_v7_batch.json")
    quotes = await yahoo.quotes([SPX, FTSE])
    assert server.paths() == ["/fc", CRUMB, QUOTE]
    assert requests_to(server, CRUMB)[0].headers["cookie"] == "A3=d=AQABBKx1&S=AQAAAk"
    assert requests_to(server, QUOTE)[0].headers["cookie"] == "A3=d=AQABBKx1&S=AQAAAk"
    assert server.query() == {"symbols": ["^GSPC,^FTSE"], "crumb": ["Xy7.aB3cD9e"]}
    spx = quotes["SPX"]
    assert (spx.price, spx.previous_close, spx.open, spx.volume) == (
        5969.34,
        5948.71,
        5945.12,
        2245181898,
    )
    assert (spx.delayed, quotes["FTSE"].delayed) == (False, True)


async def test_the_cookie_is_taken_from_a_404_as_yahoo_sends_it(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    shake_hands(server, cookie_status=404)
    server.serve_file(QUOTE, "yahoo/quote_v7_batch.json")
    quotes = await yahoo.quotes([SPX])
    assert server.paths() == ["/fc", CRUMB, QUOTE]
    assert requests_to(server, QUOTE)[0].headers["cookie"] == "A3=d=AQABBKx1&S=AQAAAk"
    assert quotes["SPX"].price == 5969.34


async def test_the_pair_is_fetched_once_and_reused(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    shake_hands(server)
    server.serve_file(QUOTE, "yahoo/quote_v7_batch.json")
    await yahoo.quotes([SPX])
    await yahoo.quotes([SPX])
    assert server.paths() == ["/fc", CRUMB, QUOTE, QUOTE]


async def test_an_invalid_crumb_starts_the_handshake_again_once(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    crumbs = itertools.count(1)
    server.route("/fc", Reply(200, b"", {"Set-Cookie": COOKIE}))
    server.route(CRUMB, lambda request: Reply(200, f"crumb{next(crumbs)}".encode()))
    batch = (RESPONSES / "yahoo/quote_v7_batch.json").read_bytes()
    refused = (RESPONSES / "yahoo/quote_v7_invalid_crumb.json").read_bytes()

    def quote(request: RecordedRequest) -> Reply:
        return Reply(200, batch) if "crumb=crumb2" in request.path else Reply(401, refused)

    server.route(QUOTE, quote)
    quotes = await yahoo.quotes([SPX])
    assert server.paths() == ["/fc", CRUMB, QUOTE, "/fc", CRUMB, QUOTE]
    assert quotes["SPX"].price == 5969.34


@pytest.mark.parametrize("crumb", ["yahoo/getcrumb_too_many_requests.txt", "maintenance.html"])
async def test_without_a_crumb_the_chart_requests_serve(
    server: ProviderServer, yahoo: YahooProvider, crumb: str
) -> None:
    shake_hands(server, crumb)
    server.serve_file("/v8/finance/chart/^GSPC", "yahoo/chart_gspc_1d.json")
    assert (await yahoo.quotes([SPX]))["SPX"].price == 5969.34
    assert QUOTE not in server.paths()
    assert yahoo.crumbs is not None and "no crumb" in (yahoo.crumbs.last_failure or "")


async def test_a_failed_handshake_is_not_retried_every_poll(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    server.route("/fc", Reply(200, b""))  # no Set-Cookie
    server.serve_file("/v8/finance/chart/^GSPC", "yahoo/chart_gspc_1d.json")
    await yahoo.quotes([SPX])
    await yahoo.quotes([SPX])
    assert server.paths().count("/fc") == 1


async def test_a_failing_batch_endpoint_falls_back_on_charts(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    shake_hands(server)
    server.serve_file(QUOTE, "maintenance.html", status=200)
    server.serve_file("/v8/finance/chart/^GSPC", "yahoo/chart_gspc_1d.json")
    assert set(await yahoo.quotes([SPX])) == {"SPX"}


async def test_throttling_of_the_batch_fails_the_call_with_retry_after(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    shake_hands(server)
    server.route(QUOTE, Reply(429, b"Too Many Requests", {"Retry-After": "120"}))
    with pytest.raises(ProviderError) as failure:
        await yahoo.quotes([SPX])
    assert failure.value.retry_after == 120


async def test_prices_of_zero_or_nan_in_a_batch_are_left_out(
    server: ProviderServer, yahoo: YahooProvider
) -> None:
    shake_hands(server)
    server.serve_file(QUOTE, "yahoo/quote_v7_batch.json")
    assert set(await yahoo.quotes([SPX, DJI, IXIC])) == {"SPX"}


async def test_a_renamed_answer_is_a_clear_error(yahoo: YahooProvider) -> None:
    payload = json.loads((RESPONSES / "yahoo/quote_v7_renamed.json").read_text())
    with pytest.raises(ProviderError, match=r"no quoteResponse\.result"):
        yahoo.quote_batch({"^GSPC": SPX}, payload)
