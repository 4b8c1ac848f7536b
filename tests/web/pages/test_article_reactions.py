"""An article's "Since publication": tried as a new user would with the demo's simulated
prices and a local feed, on a clock the test moves. The story arrives, its page shows the
prices at publication and each horizon pending; as the clock passes +15 min and +1 h and the
measuring task runs, the page and its twin show each move with the prices it came from."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from support.reaction_demo import OPEN_FRIDAY, Demo, reaction_demo
from tickerwire.actions import DISCLAIMER
from tickerwire.live.bus import Event
from tickerwire.web.cache import reaction_source, sources_of
from tickerwire.web.pages.article import PAGE, ArticleParams


@pytest.fixture
def demo(database_url: str) -> Iterator[Demo]:
    with reaction_demo(database_url) as running:
        yield running


def dow(twin: dict[str, Any]) -> dict[str, Any]:
    return next(i for i in twin["since_publication"]["instruments"] if i["symbol"] == "DJI")


def test_a_new_story_shows_its_prices_at_publication_and_every_horizon_pending(
    demo: Demo,
) -> None:
    item = dow(demo.twin())
    quote = demo.runtime.markets.latest_quotes(["DJI"])["DJI"]
    assert item["at_publication"]["price"] == quote.price
    assert item["at_publication"]["quote_time"] == "2026-11-20T15:00:00Z"
    assert item["at_publication"]["source"] == "simulated quote"
    assert item["at_publication"]["market_state"] == "open"
    assert item["benchmark"]["symbol"] == "SPX"
    assert [h["known"] for h in item["horizons"]] == [False, False, False]
    block = demo.block()
    rows = [" ".join(row.text().split()) for row in block.css(".reaction-table tbody tr")]
    assert rows[0] == "+15 min pending until 10:16 AM EST"
    assert rows[1] == "+1 h pending until 11:01 AM EST"
    assert rows[2] == "+1 trading day pending until Nov 23, 10:01 AM EST"
    assert block.css_first(".disclaimer").text() == DISCLAIMER
    assert "Simulated" in block.css_first(".simulated-label").text()


def test_each_horizon_appears_as_its_time_passes_and_the_task_runs(demo: Demo) -> None:
    published = OPEN_FRIDAY + timedelta(minutes=1)
    demo.poll_until(published + timedelta(minutes=15))
    assert demo.measure_at(published + timedelta(minutes=16)) == 0  # within the grace
    assert demo.measure_at(published + timedelta(minutes=17)) == 1
    item = dow(demo.twin())
    quarter, hour = item["horizons"][0], item["horizons"][1]
    assert quarter["known"] and not hour["known"]
    assert quarter["start_price"] == item["at_publication"]["price"]
    assert quarter["end_quote_time"] == "2026-11-20T15:16:00Z"
    assert quarter["end_source"] == "simulated quote"
    assert quarter["move_pct"] == pytest.approx(
        (quarter["end_price"] / quarter["start_price"] - 1) * 100
    )
    assert quarter["excess_pct"] == pytest.approx(
        quarter["move_pct"] - quarter["benchmark_move_pct"]
    )
    cells = demo.block().css(".reaction-table tbody tr")
    assert cells[0].css_first(".move").text() == quarter["move_text"]
    assert cells[1].css_first(".pending").text() == "pending until 11:01 AM EST"

    demo.poll_until(published + timedelta(hours=1))
    assert demo.measure_at(published + timedelta(hours=1, minutes=2)) == 1
    hour = dow(demo.twin())["horizons"][1]
    assert hour["known"] and hour["end_quote_time"] == "2026-11-20T16:01:00Z"
    assert (
        demo.block().css(".reaction-table tbody tr")[1].css_first(".move").text()
        == (hour["move_text"])
    )


def test_a_measured_horizon_renders_the_article_page_anew() -> None:
    """The measuring task's event names the article's own source, which the page is
    stored under: a page rendered before the measure is not served after it."""
    event = Event("reaction", "7", {"symbols": ["DJI"]})
    assert reaction_source(7) in sources_of(event)
    assert reaction_source(7) in PAGE.sources(ArticleParams(article_id=7))
