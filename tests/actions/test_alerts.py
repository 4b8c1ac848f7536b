"""The alert actions every door calls: price alerts that fire on the crossing, news alerts
that fire once per story, and an inbox that belongs to its member alone; on both stores."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from support.feedkit import MovableClock
from support.runtimes import opened_runtime
from support.tagged_news import save_tagged
from tickerwire import actions
from tickerwire.config import Settings
from tickerwire.markets.quotes import Quote
from tickerwire.runtime import Runtime
from tickerwire.store.alerts import AlertStore, NewEvent

pytestmark = pytest.mark.usefixtures("cheap_hashes")
PASSWORD = "correct horse battery"
TUESDAY_NOON_NY = datetime(2026, 11, 17, 17, 0, tzinfo=UTC)
FED = ("federal-reserve", "Federal Reserve", "central_bank")


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(TUESDAY_NOON_NY)


@pytest.fixture
def runtime(database_url: str, clock: MovableClock) -> Iterator[Runtime]:
    settings = Settings(database_url=database_url, poller_enabled=False, default_feeds=[])
    with opened_runtime(settings, clock=clock) as runtime:
        yield runtime


@pytest.fixture
def ada(runtime: Runtime) -> int:
    return actions.create_member(runtime, "ada", PASSWORD).id


@pytest.fixture
def bob(runtime: Runtime) -> int:
    return actions.create_member(runtime, "bob", PASSWORD).id


def spx(price: float, clock: MovableClock, **fields: object) -> Quote:
    return Quote("SPX", price, clock.now, "test", previous_close=6000.0, **fields)  # type: ignore[arg-type]


def tick(runtime: Runtime, clock: MovableClock, *prices: float, **fields: object) -> list[int]:
    """Judge the alerts against these SPX prices, a minute apart; how many fired each."""
    fired = []
    for price in prices:
        clock.now += timedelta(minutes=1)
        fired.append(actions.check_price_alerts(runtime, [spx(price, clock, **fields)]))
    return fired


def titles(runtime: Runtime, member_id: int) -> list[str]:
    return [event.title for event in actions.inbox(runtime, member_id)]


def test_a_price_alert_fires_once_on_the_crossing_into_the_inbox(
    runtime: Runtime, clock: MovableClock, ada: int
) -> None:
    actions.create_price_alert(runtime, ada, "spx", "above", 6050)
    assert tick(runtime, clock, 6040, 6060, 6070) == [0, 1, 0]
    assert titles(runtime, ada) == ["S&P 500 rose above 6,050.00"]
    assert actions.unread_alerts(runtime, ada) == 1


def test_a_price_alert_re_arms_after_the_band_and_fires_again(
    runtime: Runtime, clock: MovableClock, ada: int
) -> None:
    actions.create_price_alert(runtime, ada, "SPX", "above", 6050, band_percent=0.5)
    assert tick(runtime, clock, 6060, 6040, 6055, 6010, 6051) == [1, 0, 0, 0, 1]
    assert len(actions.inbox(runtime, ada)) == 2


def test_an_alert_made_above_its_level_waits_for_the_next_crossing(
    runtime: Runtime, clock: MovableClock, ada: int
) -> None:
    runtime.markets.save_quotes([spx(6100, clock)])
    alert = actions.create_price_alert(runtime, ada, "SPX", "above", 6050)
    assert not alert.armed
    assert tick(runtime, clock, 6110, 6000, 6060) == [0, 0, 1]


def test_simulated_prices_fire_only_alerts_that_asked_for_demo_data(
    runtime: Runtime, clock: MovableClock, ada: int, bob: int
) -> None:
    actions.create_price_alert(runtime, ada, "SPX", "above", 6050)
    actions.create_price_alert(runtime, bob, "SPX", "above", 6050, demo=True)
    assert tick(runtime, clock, 6060, simulated=True) == [1]
    assert titles(runtime, ada) == []
    assert titles(runtime, bob) == ["S&P 500 rose above 6,050.00"]
    assert "SIMULATED" in actions.inbox(runtime, bob)[0].summary


def test_the_same_quote_judged_twice_fires_once(
    runtime: Runtime, clock: MovableClock, ada: int
) -> None:
    alert = actions.create_price_alert(runtime, ada, "SPX", "above", 6050)
    quote = spx(6060, clock)
    assert actions.check_price_alerts(runtime, [quote]) == 1
    # A second worker that read the alert before the first stored its new state.
    store = AlertStore(runtime.engine)
    assert store.judged(alert, False, _event_for(quote, alert.id), runtime.now()) is None
    assert len(actions.inbox(runtime, ada)) == 1


def _event_for(quote: Quote, alert_id: int) -> NewEvent:
    return NewEvent(
        trigger=f"price:{alert_id}:{quote.as_of.isoformat()}",
        title="again",
        summary="",
        link="/quote/SPX",
        data={},
    )


def test_a_news_alert_on_an_entity_fires_once_per_story_not_per_copy(
    runtime: Runtime, ada: int
) -> None:
    save_tagged(runtime.news, "Fed minutes", runtime.now(), entities=(FED,), hours_ago=24 * 30)
    actions.create_news_alert(runtime, ada, "entity", "federal-reserve")
    first = save_tagged(runtime.news, "Fed holds", runtime.now(), entities=(FED,))
    story = runtime.news.article(first)
    assert story is not None
    save_tagged(
        runtime.news,
        "Fed holds rates",
        runtime.now(),
        entities=(FED,),
        story_id=story.story_id,
        publisher="Other Wire",
    )
    assert titles(runtime, ada) == ["Fed holds"]


def test_an_entity_alert_needs_a_topic_the_portal_has_tagged(runtime: Runtime, ada: int) -> None:
    with pytest.raises(actions.ActionError, match="no topic is tagged"):
        actions.create_news_alert(runtime, ada, "entity", "federal-reserve")


def test_a_news_alert_on_an_instrument_ignores_other_news(runtime: Runtime, ada: int) -> None:
    actions.create_news_alert(runtime, ada, "instrument", "gc")
    save_tagged(runtime.news, "Gold shines", runtime.now(), symbols=("GC",))
    save_tagged(runtime.news, "Oil slips", runtime.now(), symbols=("CL",))
    assert titles(runtime, ada) == ["Gold shines"]
    assert actions.inbox(runtime, ada)[0].link.startswith("/article/")


def test_a_saved_search_alert_matches_the_words_of_new_articles(runtime: Runtime, ada: int) -> None:
    actions.create_news_alert(runtime, ada, "search", '"rate cut"')
    save_tagged(runtime.news, "Markets bet on a rate cut", runtime.now())
    save_tagged(runtime.news, "Markets cut losses", runtime.now())
    assert titles(runtime, ada) == ["Markets bet on a rate cut"]


def test_old_news_arriving_late_does_not_alert(runtime: Runtime, ada: int) -> None:
    actions.create_news_alert(runtime, ada, "instrument", "GC")
    save_tagged(runtime.news, "Gold in 2019", runtime.now(), symbols=("GC",), hours_ago=24 * 30)
    assert titles(runtime, ada) == []


def test_a_watchlist_alert_follows_the_members_lists_and_follows(
    runtime: Runtime, ada: int
) -> None:
    save_tagged(runtime.news, "Fed minutes", runtime.now(), entities=(FED,), hours_ago=24 * 30)
    metals = actions.create_watchlist(runtime, ada, "Metals", ["SI"])
    for listed in actions.watchlists_of(runtime, ada):
        if listed.id != metals.id:
            actions.delete_watchlist(runtime, ada, listed.id)
    actions.follow_entity(runtime, ada, "federal-reserve")
    actions.create_news_alert(runtime, ada, "watchlist")
    save_tagged(runtime.news, "Silver jumps", runtime.now(), symbols=("SI",))
    save_tagged(runtime.news, "Yen slides", runtime.now(), symbols=("USDJPY",))
    save_tagged(runtime.news, "Fed speaks", runtime.now(), entities=(FED,))
    assert titles(runtime, ada) == ["Fed speaks", "Silver jumps"]


def test_one_members_inbox_and_alerts_are_nobody_elses(
    runtime: Runtime, ada: int, bob: int
) -> None:
    alert = actions.create_news_alert(runtime, ada, "instrument", "GC")
    save_tagged(runtime.news, "Gold shines", runtime.now(), symbols=("GC",))
    assert actions.inbox(runtime, bob) == [] and actions.alerts_of(runtime, bob) == []
    event = actions.inbox(runtime, ada)[0]
    assert actions.mark_alerts_read(runtime, bob, [event.id]) == 0
    with pytest.raises(actions.ActionError, match=f"you have no alert {alert.id}"):
        actions.delete_alert(runtime, bob, alert.id)
    assert actions.unread_alerts(runtime, ada) == 1 and len(actions.alerts_of(runtime, ada)) == 1


def test_marking_all_read_empties_the_unread_count(runtime: Runtime, ada: int) -> None:
    actions.create_news_alert(runtime, ada, "instrument", "GC")
    save_tagged(runtime.news, "Gold shines", runtime.now(), symbols=("GC",))
    save_tagged(runtime.news, "Gold dips", runtime.now(), symbols=("GC",))
    assert actions.mark_alerts_read(runtime, ada) == 2
    assert actions.unread_alerts(runtime, ada) == 0


@pytest.mark.parametrize(
    ("symbol", "condition", "level", "message"),
    [
        ("NOPE", "above", 1.0, "unknown instrument NOPE"),
        ("SPX", "sideways", 1.0, "cannot be made"),
        ("SPX", "move_close", 0.0, "more than 0"),
        ("SPX", "above", float("nan"), "ordinary number"),
        ("SPX", "above", 1e300, "ordinary number"),
    ],
)
def test_a_price_alert_that_cannot_be_is_refused(
    runtime: Runtime, ada: int, symbol: str, condition: str, level: float, message: str
) -> None:
    with pytest.raises(actions.ActionError, match=message):
        actions.create_price_alert(runtime, ada, symbol, condition, level)
    assert actions.alerts_of(runtime, ada) == []


def test_deleting_an_account_deletes_its_alerts_and_inbox(runtime: Runtime, ada: int) -> None:
    actions.create_news_alert(runtime, ada, "instrument", "GC")
    save_tagged(runtime.news, "Gold shines", runtime.now(), symbols=("GC",))
    actions.delete_account(runtime, ada, PASSWORD)
    assert actions.inbox(runtime, ada) == [] and actions.alerts_of(runtime, ada) == []


def test_refreshing_quotes_judges_the_alerts_on_them(
    database_url: str, clock: MovableClock
) -> None:
    """The path every door takes: the demo's simulated quotes, fetched, stored and judged."""
    settings = Settings(
        database_url=database_url, poller_enabled=False, default_feeds=[], demo=False
    )
    settings.providers = settings.providers.model_copy(update={"order": ["simulated"]})
    with opened_runtime(settings, clock=clock) as runtime:
        ada = actions.create_member(runtime, "ada", PASSWORD).id
        actions.create_price_alert(runtime, ada, "SPX", "above", 1.0, demo=True)
        actions.create_price_alert(runtime, ada, "GC", "below", 1.0, demo=True)
        asyncio.run(actions.refresh_quotes(runtime, ["SPX", "GC"]))
        assert titles(runtime, ada) == ["S&P 500 rose above 1.00"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"ntfy_topic": "my topic!"}, "an ntfy topic is 1 to 64"),
        ({"email": "ada@example.org, eve@evil.example"}, "is not an email address"),
        ({"email": "Ada <ada@example.org>\r\nBcc: eve@evil.example"}, "is not an email address"),
        ({"quiet_from": "22:00"}, "need both a start and an end"),
    ],
)
def test_alert_preferences_that_cannot_be_are_refused_and_nothing_saved(
    runtime: Runtime, ada: int, fields: dict[str, str], message: str
) -> None:
    with pytest.raises(actions.ActionError, match=message):
        actions.set_alert_preferences(runtime, ada, **fields)  # type: ignore[arg-type]
    assert actions.alert_preferences_of(runtime, ada).channels() == []
