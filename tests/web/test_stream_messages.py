"""How the live stream words its events: the market status once a minute for everyone."""

from __future__ import annotations

from datetime import timedelta

from support.moments import FRIDAY_MORNING
from tickerwire.config import Settings
from tickerwire.web.stream_messages import calendars_of, market_message


def test_the_market_status_is_worded_once_a_minute_for_every_client() -> None:
    calendars = calendars_of(Settings().registry)
    first = market_message(calendars, FRIDAY_MORNING)
    again = market_message(calendars, FRIDAY_MORNING + timedelta(seconds=20))
    assert first["data"] is again["data"]
    assert market_message(calendars, FRIDAY_MORNING + timedelta(minutes=1)) != first


def test_a_market_event_covers_the_calendars_of_the_instruments_asked_for() -> None:
    registry = Settings().registry
    calendars = calendars_of([registry.get("SPX"), registry.get("BTCUSD")])
    assert calendars == tuple(sorted({"XNYS", "24/7"}))
