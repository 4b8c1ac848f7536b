"""``/admin/providers`` and the ribbon over real provider code against a local fake Yahoo,
Stooq and CoinGecko: a source turned off, a source that disagrees, a source that says
something absurd, and the probe of every provider."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from support.http_server import LocalServer, Reply
from support.markets_desk import SOURCES, MarketsDesk
from support.runtimes import opened_runtime
from tickerwire import actions
from tickerwire.config import Settings
from tickerwire.runtime import Runtime
from web.pages.admin.conftest import PASSWORD, Browser, signed_in


@dataclass
class Desk:
    desk: MarketsDesk
    runtime: Runtime
    admin: Browser

    def poll(self) -> None:
        """One poll of every instrument, on the loop the client's requests run on."""
        assert self.admin.client.portal is not None
        self.admin.client.portal.call(self.runtime.poller.refresh)

    def sources(self, symbol: str) -> dict[str, str]:
        """The ribbon's source per symbol, as the home page shows it."""
        page = self.admin.get("/").text
        return dict(re.findall(r'data-symbol="(\w+)".*?data-field="provider">(\w+)<', page, re.S))


def desk_settings(database_url: str, base_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        poller_enabled=False,
        default_feeds=[],
        fetch={"allow_hosts": ["127.0.0.1"], "deadline": 5},
        providers={"order": list(SOURCES)} | {f"{s}_base_url": base_url for s in SOURCES},
    )


@pytest.fixture
def desk(database_url: str, cheap_hashes: None) -> Iterator[Desk]:
    with LocalServer() as server:
        desk = MarketsDesk(server)
        with opened_runtime(desk_settings(database_url, server.base_url)) as runtime:
            actions.create_member(runtime, "ada", PASSWORD, admin=True)
            for admin in signed_in(runtime, "ada"):
                yield Desk(desk, runtime, admin)


def test_the_ribbon_names_each_cells_source(desk: Desk) -> None:
    desk.poll()
    shown = desk.sources("")
    assert shown["SPX"] == "yahoo" and shown["BTCUSD"] == "coingecko"


@pytest.mark.parametrize("off", SOURCES)
def test_a_source_turned_off_leaves_every_cell_served_by_another_within_one_poll(
    desk: Desk, off: str
) -> None:
    desk.poll()
    desk.desk.off.add(off)
    desk.poll()
    shown = desk.sources("")
    # The CMC Crypto 200 has Yahoo alone among the sources: it keeps its last quote.
    alone = {"CMC200"} if off == "yahoo" else set()
    assert {symbol for symbol, source in shown.items() if source == off} == alone
    ribbon = desk.admin.get("/api/v1/ribbon").json()["ribbon"]
    served = {c["symbol"]: c["provider"] for c in ribbon if c["provider"] not in (None, off)}
    assert set(served) == {i.symbol for i in desk.runtime.registry.ribbon} - alone
    assert set(shown) - alone <= set(served)  # each served cell names its source on the page
    if off == "yahoo":
        assert served["SPX"] == "stooq" and served["BTCUSD"] == "coingecko"


def test_a_disagreement_is_shown_on_the_admin_provider_page(desk: Desk) -> None:
    desk.desk.prices[("stooq", "SPX")] = 6300.0
    desk.poll()
    page = desk.admin.get("/admin/providers").text
    assert "1 instrument with a source that disagrees or is distrusted" in page
    assert "+6.78 % from yahoo (tolerance 0.5 %)" in page
    twin = desk.admin.get("/admin/providers.json").json()
    spx = next(i for i in twin["instruments"] if i["symbol"] == "SPX")
    assert spx["chain"] == ["yahoo", "stooq"]
    assert [(s["provider"], s["verdict"]) for s in spx["sources"]] == [
        ("yahoo", "trusted"),
        ("stooq", "disagrees"),
    ]
    assert desk.sources("")["SPX"] == "yahoo"


def test_an_absurd_jump_is_refused_and_the_last_good_quote_stays(desk: Desk) -> None:
    desk.poll()
    desk.desk.off.add("stooq")
    desk.desk.prices[("yahoo", "SPX")] = 9500.0
    desk.poll()
    kept = desk.runtime.markets.latest_quotes(["SPX"])["SPX"]
    assert kept.price == 5900.0 and kept.provider == "yahoo"
    twin = desk.admin.get("/admin/providers.json").json()
    yahoo = next(
        s
        for i in twin["instruments"]
        if i["symbol"] == "SPX"
        for s in i["sources"]
        if s["provider"] == "yahoo"
    )
    assert yahoo["verdict"] == "distrusted"
    assert yahoo["reason"].startswith("jumped +61 % from 5,900.00 (yahoo)")


def test_checking_every_provider_from_the_page(desk: Desk) -> None:
    desk.desk.off.add("stooq")
    page = desk.admin.get("/admin/providers?check=1").text
    assert "Every instrument has a working source." in page
    twin = desk.admin.get("/admin/providers.json?check=1").json()
    rows = {(p["symbol"], p["provider"]): p for p in twin["check"]["probes"]}
    assert rows[("SPX", "yahoo")]["answered"] and rows[("SPX", "yahoo")]["agreement"] == "alone"
    assert not rows[("SPX", "stooq")]["answered"]
    assert rows[("SPX", "stooq")]["error"].startswith("HTTP 503 from ")
    assert rows[("BTCUSD", "coingecko")]["agreement"] == "trusted"
    assert twin["check"]["uncovered"] == []


JSON = {"Content-Type": "application/json"}
BAD_ANSWERS = {
    "an HTML page instead of JSON": (
        Reply(200, b"<!doctype html><title>Maintenance</title>", {"Content-Type": "text/html"}),
        "HTML page",
    ),
    "a truncated body": (
        Reply(200, b'{"chart": {"result": [{"meta": {"regularMarketPr', JSON),
        "malformed",
    ),
    "an error inside a 200": (
        Reply(200, b'{"chart": {"result": null, "error": {"code": "Not Found"}}}', JSON),
        "no quote for this symbol",
    ),
}


@pytest.mark.parametrize("case", list(BAD_ANSWERS))
def test_a_bad_answer_keeps_the_last_good_quote_and_says_so(desk: Desk, case: str) -> None:
    desk.poll()
    desk.desk.off.add("stooq")
    reply, said = BAD_ANSWERS[case]
    desk.desk.broken["yahoo"] = reply
    desk.desk.prices[("yahoo", "SPX")] = 5950.0
    desk.poll()
    kept = desk.runtime.markets.latest_quotes(["SPX"])["SPX"]
    assert (kept.price, kept.provider) == (5900.0, "yahoo")
    yahoo = source(desk, "SPX", "yahoo")
    assert yahoo["verdict"] == "unanswered"
    assert said in (yahoo["reason"] or "")


@pytest.mark.parametrize(
    ("shift", "said"), [(timedelta(days=2), "in the future"), (-timedelta(days=800), "ago")]
)
def test_a_stamp_from_the_future_or_years_ago_is_refused(
    desk: Desk, shift: timedelta, said: str
) -> None:
    desk.poll()
    desk.desk.off.add("stooq")
    desk.desk.shifted[("yahoo", "SPX")] = shift
    desk.desk.prices[("yahoo", "SPX")] = 5950.0
    desk.poll()
    assert desk.runtime.markets.latest_quotes(["SPX"])["SPX"].price == 5900.0
    yahoo = source(desk, "SPX", "yahoo")
    assert yahoo["verdict"] == "distrusted" and said in yahoo["reason"]
    assert "distrusted" in desk.admin.get("/admin/providers").text


def source(desk: Desk, symbol: str, provider: str) -> dict[str, Any]:
    twin = desk.admin.get("/admin/providers.json").json()
    entry = next(i for i in twin["instruments"] if i["symbol"] == symbol)
    found: dict[str, Any] = next(s for s in entry["sources"] if s["provider"] == provider)
    return found
