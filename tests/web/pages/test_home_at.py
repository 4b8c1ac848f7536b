"""The portal as it was: ``?at=`` on the home page and the API shows the ribbon, the market
status and the headlines of that moment, from what was stored before it, labelled as a past
view with a way back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from support.moments import FRIDAY_MORNING
from support.runtimes import opened_runtime, refresh_quotes
from support.tagged_news import save_tagged
from tickerwire.config import Settings
from tickerwire.markets.quotes import Bar, Interval
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app

#: Thursday 19 November 2026, 10:00 in New York, the day before the portal's "now".
YESTERDAY = FRIDAY_MORNING - timedelta(days=1)
AT = "2026-11-19T15:00Z"


@pytest.fixture
def portal(database_url: str) -> Iterator[tuple[TestClient, Runtime]]:
    settings = Settings(database_url=database_url, demo=True, poller_enabled=False)
    with opened_runtime(settings, refresh_quotes, clock=lambda: FRIDAY_MORNING) as runtime:
        news = runtime.news
        save_tagged(news, "Seen the evening before", YESTERDAY - timedelta(hours=14))
        save_tagged(news, "Seen just before", YESTERDAY - timedelta(minutes=1))
        # Dated by its publisher before the moment, but stored an hour after it.
        save_tagged(news, "Backdated and seen later", YESTERDAY + timedelta(hours=1), hours_ago=3)
        save_tagged(news, "Seen this morning", FRIDAY_MORNING - timedelta(minutes=5))
        with TestClient(create_app(settings, runtime=runtime)) as client:
            yield client, runtime


def titles(html: str) -> list[str]:
    tree = HTMLParser(html)
    return [a.text() for a in tree.css(".lead-title, .headline-title")]


def test_a_past_view_never_shows_an_article_first_seen_after_the_moment(
    portal: tuple[TestClient, Runtime],
) -> None:
    client, _ = portal
    shown = titles(client.get("/", params={"at": AT}).text)
    assert "Seen just before" in shown and "Seen the evening before" in shown
    assert "Backdated and seen later" not in shown and "Seen this morning" not in shown
    twin = client.get("/index.json", params={"at": AT}).json()
    listed = [twin["lead"]["title"], *(h["title"] for h in twin["headlines"])]
    assert "Backdated and seen later" not in listed and "Seen this morning" not in listed


def test_the_page_now_still_shows_every_article(portal: tuple[TestClient, Runtime]) -> None:
    client, _ = portal
    client.get("/", params={"at": AT})
    page = client.get("/").text
    assert "Seen this morning" in titles(page)
    assert "data-past-view" not in page


def test_the_ribbon_shows_the_close_of_the_last_minute_before_the_moment(
    portal: tuple[TestClient, Runtime],
) -> None:
    client, runtime = portal
    closes = [6001.25, 6002.5, 6003.75, 6010.0]  # the last one starts at the moment itself
    start = YESTERDAY - timedelta(minutes=3)
    runtime.markets.save_bars(
        Bar("SPX", Interval.M1, start + timedelta(minutes=n), c, c, c, c, None, "simulated")
        for n, c in enumerate(closes)
    )
    cells = {c["symbol"]: c for c in client.get("/index.json", params={"at": AT}).json()["ribbon"]}
    assert cells["SPX"]["price"] == 6003.75
    assert cells["SPX"]["as_of"].startswith("2026-11-19T15:00:00")


def test_the_market_status_is_the_one_at_the_moment(portal: tuple[TestClient, Runtime]) -> None:
    client, _ = portal
    saturday = client.get("/index.json", params={"at": "2026-11-14T15:00Z"}).json()
    assert saturday["banner"]["state"] == "closed"
    assert client.get("/index.json", params={"at": AT}).json()["banner"]["state"] == "open"


def test_a_past_view_is_labelled_with_a_way_back_to_now(portal: tuple[TestClient, Runtime]) -> None:
    client, _ = portal
    tree = HTMLParser(client.get("/", params={"at": AT}).text)
    label = tree.css_first("[data-past-view] #past-view-label")
    assert "as it was at 19 Nov 2026 15:00 UTC" in label.text()
    back = label.css_first("a")
    assert (back.text(), back.attributes["href"]) == ("Back to now", "/")
    twin = client.get("/index.json", params={"at": AT}).json()
    assert twin["past"]["as_of"].startswith("2026-11-19T15:00:00")
    assert twin["movers"] is None


def test_a_past_view_carries_no_live_parts(portal: tuple[TestClient, Runtime]) -> None:
    client, _ = portal
    page = client.get("/", params={"at": AT}).text
    tree = HTMLParser(page)
    assert tree.css_first(".movers") is None
    assert len(tree.css(".markets-top")) == 1


def test_the_next_page_of_a_past_view_keeps_its_moment(portal: tuple[TestClient, Runtime]) -> None:
    client, runtime = portal
    for n in range(25):
        save_tagged(runtime.news, f"Filler {n}", YESTERDAY - timedelta(hours=2, minutes=n))
    tree = HTMLParser(client.get("/", params={"at": AT}).text)
    href = tree.css_first(".more-headlines a").attributes["href"]
    assert href == "/?page=2&at=2026-11-19T15%3A00Z"


def test_a_moment_before_any_data_says_so_on_the_page_and_in_every_cell(
    portal: tuple[TestClient, Runtime],
) -> None:
    client, _ = portal
    tree = HTMLParser(client.get("/", params={"at": "2025-01-06T15:00Z"}).text)
    note = tree.css_first("[data-past-view] .provider-notice").text()
    assert "No prices were stored for 2025-01-06 15:00 UTC" in note
    assert "No articles had been stored by 2025-01-06 15:00 UTC" in note
    assert {t.text() for t in tree.css(".ribbon-cell time")} == {"no data"}
    assert "No headlines had been stored by then." in tree.text()


@pytest.mark.parametrize(
    ("at", "said"),
    [
        ("yesterday", "is not an ISO 8601 time"),
        ("2026-11-19T15:00", "names no time zone"),
        ("2026-11-21T15:00Z", "is in the future"),
    ],
)
def test_a_bad_or_future_moment_is_a_400_that_says_why(
    portal: tuple[TestClient, Runtime], at: str, said: str
) -> None:
    client, _ = portal
    page = client.get("/", params={"at": at})
    assert page.status_code == 400 and said in page.text
    twin = client.get("/index.json", params={"at": at})
    assert twin.status_code == 400 and said in twin.json()["detail"]


def test_the_api_ribbon_at_a_moment_says_which_moment(portal: tuple[TestClient, Runtime]) -> None:
    client, runtime = portal
    runtime.markets.save_bars(
        [Bar("CL", Interval.M1, YESTERDAY - timedelta(minutes=1), 70, 71, 69, 70.5, None, "x")]
    )
    answer = client.get("/api/v1/ribbon", params={"at": AT}).json()
    assert answer["as_of"].startswith("2026-11-19T15:00:00")
    assert {c["symbol"]: c["price"] for c in answer["ribbon"]}["CL"] == 70.5
    assert client.get("/api/v1/ribbon").json()["as_of"].startswith("2026-11-20T15:00:00")


def test_the_api_quotes_and_market_status_take_a_moment(portal: tuple[TestClient, Runtime]) -> None:
    client, _ = portal
    quotes = client.get("/api/v1/quotes", params={"symbols": "SPX", "at": "2025-01-06T15:00Z"})
    assert quotes.json()["quotes"][0]["as_of_text"] == "no data"
    status = client.get("/api/v1/market-status", params={"at": "2026-11-14T15:00Z"}).json()
    assert status["banner"]["state"] == "closed"
    assert status["as_of"].startswith("2026-11-14T15:00:00")


@pytest.mark.parametrize("path", ["/api/v1/ribbon", "/api/v1/market-status"])
def test_the_api_refuses_a_future_moment_with_a_400(
    portal: tuple[TestClient, Runtime], path: str
) -> None:
    client, _ = portal
    answer = client.get(path, params={"at": "2030-01-01T00:00Z"})
    assert answer.status_code == 400
    assert "is in the future" in answer.json()["detail"]


def test_a_past_quote_page_shows_the_price_news_and_chart_of_the_moment(
    portal: tuple[TestClient, Runtime],
) -> None:
    client, runtime = portal
    save_tagged(runtime.news, "Index seen before", YESTERDAY - timedelta(hours=1), symbols=("SPX",))
    save_tagged(runtime.news, "Index seen after", YESTERDAY + timedelta(hours=1), symbols=("SPX",))
    runtime.markets.save_bars(
        [
            Bar(
                "SPX",
                Interval.M1,
                YESTERDAY - timedelta(minutes=1),
                6e3,
                7e3,
                6e3,
                6003.75,
                None,
                "x",
            )
        ]
    )
    twin = client.get("/quote/SPX.json", params={"at": AT, "range": "5D"}).json()
    assert twin["quote"]["price"] == 6003.75
    assert [h["title"] for h in twin["news"]] == ["Index seen before"]
    starts = [b["start"] for b in twin["chart"]["bars"]]
    assert starts and max(starts) < "2026-11-19T15:00"
    assert twin["past_markets"]["banner"]["state"] == "open"
    tree = HTMLParser(client.get("/quote/SPX", params={"at": AT}).text)
    label = tree.css_first("[data-past-view] #past-view-label")
    assert "as it was at 19 Nov 2026 15:00 UTC" in label.text()
    assert label.css_first("a").attributes["href"] == "/quote/SPX"
    ranges = [a.attributes["href"] for a in tree.css(".chart-ranges a")]
    assert "/quote/SPX?range=1M&at=2026-11-19T15%3A00Z" in ranges


def test_a_quote_page_refuses_a_bad_moment(portal: tuple[TestClient, Runtime]) -> None:
    client, _ = portal
    page = client.get("/quote/SPX", params={"at": "soon"})
    assert page.status_code == 400 and "is not an ISO 8601 time" in page.text


def test_an_article_shows_the_markets_when_it_was_published(
    portal: tuple[TestClient, Runtime],
) -> None:
    client, runtime = portal
    minute = YESTERDAY - timedelta(minutes=1)
    runtime.markets.save_bars([Bar("SPX", Interval.M1, minute, 6e3, 7e3, 6e3, 6003.75, None, "x")])
    article = save_tagged(runtime.news, "Published at the moment", YESTERDAY, symbols=("SPX",))
    tree = HTMLParser(client.get(f"/article/{article}").text)
    block = tree.css_first("section.markets-then[data-past]")
    assert "Markets when this was published" in block.text()
    assert "19 Nov 2026 15:00 UTC" in block.css_first("time").text()
    spx = block.css_first('a[href="/quote/SPX?at=2026-11-19T15%3A00%3A00Z"]')
    assert "6,003.75" in spx.text()
    assert block.css_first("a[href^='/?at=']").text() == "The portal then"
    twin = client.get(f"/article/{article}.json").json()
    assert twin["markets_then"]["as_of"].startswith("2026-11-19T15:00:00")
