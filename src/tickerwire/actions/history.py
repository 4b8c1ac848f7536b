"""The portal as it was: the moment a reader asks for, the markets and the headlines then.

Every door (the pages' ``?at=``, the API's, an article's "markets when this was published")
asks these, so one rule decides what a past view may show: only what was stored before the
moment (:mod:`tickerwire.history`), and a sentence when there is nothing to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tickerwire.actions.common import ActionError
from tickerwire.history import headlines, prices
from tickerwire.history.moment import BadMoment, check_past, parse_moment
from tickerwire.instruments import Instrument
from tickerwire.markets.quotes import Interval, Quote
from tickerwire.news.model import ArticleListing
from tickerwire.runtime import Runtime


@dataclass(frozen=True)
class MarketsAt:
    """Each instrument's quote as known at ``moment`` (missing: none was stored by then)
    and, when something is missing or older than the minute bars, a sentence saying so."""

    moment: datetime
    quotes: dict[str, Quote]
    note: str | None


@dataclass(frozen=True)
class HeadlinesAt:
    moment: datetime
    articles: list[ArticleListing]
    note: str | None


def _stamp(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def moment_from(runtime: Runtime, text: str) -> datetime:
    """The past moment ``text`` names (ISO 8601 with a zone, or a date), refused with a
    sentence when it is no moment or has not happened yet."""
    try:
        return check_past(parse_moment(text), runtime.now())
    except BadMoment as error:
        raise ActionError(str(error)) from None


def markets_at(
    runtime: Runtime, moment: datetime, instruments: list[Instrument] | None = None
) -> MarketsAt:
    """The quotes of ``instruments`` (the ribbon's by default) as they stood at ``moment``."""
    chosen = list(instruments if instruments is not None else runtime.registry.ribbon)
    found = prices.quotes_at(runtime.engine, chosen, moment)
    return MarketsAt(moment, found, _markets_note(runtime, moment, chosen, found))


def _markets_note(
    runtime: Runtime, moment: datetime, chosen: list[Instrument], found: dict[str, Quote]
) -> str | None:
    days = runtime.settings.poll.bar_retention_days
    kept_from = runtime.now() - timedelta(days=days)
    if not found:
        earliest = prices.earliest_bar(runtime.engine, Interval.D1) or prices.earliest_bar(
            runtime.engine, Interval.M1
        )
        if earliest is None:
            return "No prices are stored yet, so there are none to show for this moment."
        return (
            f"No prices were stored for {_stamp(moment)}: the oldest stored starts "
            f"{_stamp(earliest)}."
        )
    missing = [i.symbol for i in chosen if i.symbol not in found]
    notes = []
    if moment < kept_from:
        notes.append(
            f"Minute prices are kept {days} days (poll.bar_retention_days), so for "
            f"{_stamp(moment)} each price is the last 5-minute, hourly or daily close "
            "stored before it."
        )
    if missing:
        notes.append(f"No price was stored by then for {', '.join(missing)}.")
    return " ".join(notes) or None


def headlines_at(
    runtime: Runtime, moment: datetime, limit: int = 20, offset: int = 0
) -> HeadlinesAt:
    """The headlines as the home page listed them at ``moment``: never an article first
    seen after it."""
    found = headlines.articles_seen_by(runtime.engine, moment, limit, offset)
    note = None
    if not found and offset == 0:
        first = headlines.first_article_seen(runtime.engine)
        note = (
            "No articles were stored yet."
            if first is None
            else f"No articles had been stored by {_stamp(moment)}; the first came {_stamp(first)}."
        )
    return HeadlinesAt(moment, found, note)
