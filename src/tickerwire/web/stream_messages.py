"""What the live stream says: each event's texts, worded by the server.

Every event carries its texts as the server words them: a quote through
:func:`tickerwire.web.parts.quote_figures` in the portal's zone, the banner and each
market's label from :mod:`tickerwire.web.parts`. ``live.js`` only puts those texts in
place, so a tick reads exactly like the server-rendered cell beside it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from tickerwire.instruments import Instrument
from tickerwire.live.bus import Event
from tickerwire.markets.freshness import is_stale
from tickerwire.markets.poller import QUOTE_TOPIC
from tickerwire.markets.quotes import Quote
from tickerwire.runtime import Runtime
from tickerwire.web import parts
from tickerwire.web.parts import quote_figures

MARKET_TOPIC = "market"

#: An event's name and its data, one line of JSON.
Message = dict[str, str]


def _quote_of(data: dict[str, Any], now: datetime) -> Quote:
    """The quote an event describes. Events carry the change rather than the previous
    close (any worker may publish them, over Redis too), so the close is derived back."""
    price = float(data["price"])
    change = data.get("change")
    return Quote(
        symbol=str(data["symbol"]),
        price=price,
        as_of=datetime.fromisoformat(str(data["as_of"])),
        provider=str(data.get("provider") or ""),
        previous_close=None if change is None else price - float(change),
        simulated=bool(data.get("simulated")),
        fetched_at=now,
    )


def quote_message(runtime: Runtime, instrument: Instrument, event: Event, now: datetime) -> Message:
    """A ``quote`` event: the raw quote as published, and beside it what the page shows.
    Raises KeyError, TypeError, ValueError or BadMarketData for data that is no quote."""
    quote = _quote_of(event.data, now)
    shown = quote_figures(instrument, quote, runtime.settings.timezone, now)
    stale_after = timedelta(seconds=runtime.settings.providers.stale_after_seconds)
    extra = {
        "as_of": quote.as_of.isoformat(),  # as the templates write a <time>'s datetime
        "stale": is_stale(instrument, quote, now, stale_after),
    }
    payload = {
        "topic": event.topic,
        "key": event.key,
        "data": event.data,
        "shown": shown.model_dump(mode="json") | extra,
    }
    return {"event": QUOTE_TOPIC, "data": json.dumps(payload)}


def calendars_of(instruments: Iterable[Instrument]) -> tuple[str, ...]:
    """The calendars ``instruments`` trade on, sorted: what a ``market`` event covers."""
    return tuple(sorted({i.calendar for i in instruments}))


def market_message(calendars: tuple[str, ...], now: datetime) -> Message:
    """A ``market`` event: the U.S. banner and the state and label of each of
    ``calendars`` (see :func:`calendars_of`), keyed by calendar."""
    minute = now.replace(second=0, microsecond=0)
    return {"event": MARKET_TOPIC, "data": _market_json(calendars, minute)}


@functools.lru_cache(maxsize=64)
def _market_json(calendars: tuple[str, ...], minute: datetime) -> str:
    """Worded once a minute for every client: the calendars' sums cost tens of
    milliseconds, which thousands of streams connecting at once cannot each pay. The texts
    count down in whole minutes, so the minute is all the time they depend on."""
    markets = {name: parts.market_view_of(name, minute) for name in calendars}
    payload = {
        "topic": MARKET_TOPIC,
        "key": "",
        "data": {
            "banner": parts.banner(minute).model_dump(mode="json"),
            "markets": {name: m.model_dump(mode="json") for name, m in markets.items()},
        },
    }
    return json.dumps(payload)
