"""The markets top every page opens with (banner, the sixteen-instrument ribbon, labels) and
the headers every page carries, seen on the home page and its JSON twin."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from support.moments import FRIDAY_MORNING
from support.runtimes import opened_runtime
from tickerwire.config import Settings
from tickerwire.instruments import DEFAULT_INSTRUMENTS
from tickerwire.markets.quotes import PriceKind, Quote
from tickerwire.web.app import create_app

RIBBON_NAMES = [i.label for i in DEFAULT_INSTRUMENTS]


def page(client: TestClient, path: str = "/") -> HTMLParser:
    response = client.get(path)
    assert response.status_code == 200
    return HTMLParser(response.text)


def test_home_shows_the_us_market_banner(client: TestClient) -> None:
    banner = page(client).css_first("#market-banner")
    assert banner is not None
    assert banner.text().startswith("U.S. markets open")


def test_home_shows_all_sixteen_default_instruments_in_order(client: TestClient) -> None:
    names = [n.text() for n in page(client).css(".ribbon-cell .ribbon-name")]
    assert names == RIBBON_NAMES
    assert len(names) == 16


def test_every_ribbon_cell_has_price_change_sign_and_sparkline(client: TestClient) -> None:
    for cell in page(client).css(".ribbon-cell"):
        assert cell.css_first("[data-field=price]").text() != "—"
        change = cell.css_first("[data-field=change]").text()
        assert change[0] in "+−" or set(change) <= set("0.,")
        assert cell.css_first("[data-field=arrow]").text() in "▲▼■"
        assert cell.css_first("svg.sparkline polyline") is not None


def test_simulated_data_is_labelled_on_the_page_and_every_cell(client: TestClient) -> None:
    tree = page(client)
    assert "SIMULATED" in tree.css_first(".simulated-notice").text()
    assert len(tree.css(".ribbon-cell .badge.simulated")) == 16


def test_the_json_twin_carries_the_same_ribbon(client: TestClient) -> None:
    twin = client.get("/index.json").json()
    assert [c["name"] for c in twin["ribbon"]] == RIBBON_NAMES
    assert twin["simulated"] is True
    assert twin["banner"]["text"] == page(client).css_first("#market-banner").text()


def test_price_precision_follows_the_instrument(client: TestClient) -> None:
    cells = {c["symbol"]: c for c in client.get("/index.json").json()["ribbon"]}
    assert len(cells["EURUSD"]["price_text"].split(".")[1]) == 4
    assert len(cells["SI"]["price_text"].split(".")[1]) == 3
    assert len(cells["SPX"]["price_text"].split(".")[1]) == 2


def test_change_is_against_the_previous_session_close(client: TestClient) -> None:
    for cell in client.get("/index.json").json()["ribbon"]:
        assert cell["previous_close"] is not None, cell["symbol"]
        assert abs(cell["price"] - cell["previous_close"] - cell["change"]) < 1e-6


def test_pages_carry_strict_security_headers(client: TestClient) -> None:
    headers = client.get("/").headers
    policy = headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_pages_have_no_inline_script(client: TestClient) -> None:
    scripts = page(client).css("script")
    assert scripts and all(s.attributes.get("src") for s in scripts)


def test_delayed_and_stale_quotes_are_labelled_with_their_age(settings: Settings) -> None:
    late = FRIDAY_MORNING - timedelta(minutes=20)
    old = FRIDAY_MORNING - timedelta(hours=2)
    with opened_runtime(settings, clock=lambda: FRIDAY_MORNING) as runtime:
        runtime.markets.save_quotes(
            [
                Quote("DJI", 43000.0, late, "test", previous_close=42900.0, delayed=True),
                Quote("SPX", 5900.0, old, "test", previous_close=5890.0),
            ]
        )
        with TestClient(create_app(settings, runtime=runtime)) as client:
            tree = HTMLParser(client.get("/").text)
    dji = tree.css_first('.ribbon-cell[data-symbol="DJI"]')
    assert dji.css_first(".badge.delayed").text() == "Delayed · 20 min ago"
    spx = tree.css_first('.ribbon-cell[data-symbol="SPX"]')
    assert spx.css_first(".badge.stale").text() == "Stale · 2 h ago"


def test_a_daily_fixing_is_named_with_its_date_and_not_called_stale(settings: Settings) -> None:
    fixed = FRIDAY_MORNING.replace(hour=13, minute=10) - timedelta(days=1)  # Thursday, ECB
    yields = FRIDAY_MORNING - timedelta(days=5)  # the Sunday before: a long weekend past
    with opened_runtime(settings, clock=lambda: FRIDAY_MORNING) as runtime:
        runtime.markets.save_quotes(
            [
                Quote("EURUSD", 1.05, fixed, "ecb", kind=PriceKind.DAILY_FIXING),
                Quote("TNX", 4.4, yields, "treasury", kind=PriceKind.END_OF_DAY),
            ]
        )
        with TestClient(create_app(settings, runtime=runtime)) as client:
            tree = HTMLParser(client.get("/").text)
            quote_page = HTMLParser(client.get("/quote/EURUSD").text)
    euro = tree.css_first('.ribbon-cell[data-symbol="EURUSD"]')
    assert euro.css_first(".badge.fixing").text() == "Daily fixing of Nov 19"
    assert euro.css_first(".badge.stale") is None
    assert quote_page.css_first(".quote-asof .badge.fixing").text() == "Daily fixing of Nov 19"
    rate = tree.css_first('.ribbon-cell[data-symbol="TNX"]')
    assert rate.css_first(".badge.fixing").text() == "End of day of Nov 15"
    assert rate.css_first(".badge.stale") is not None
