"""What an export may be narrowed to: instruments, entities (topic slugs), a range of UTC
days, a bar interval, and whether article bodies come along."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from tickerwire.markets.quotes import Interval


class Format(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"


class BadFilter(ValueError):
    """A filter that cannot be used; the message says which and how to write it."""


@dataclass(frozen=True)
class ExportFilter:
    """Empty tuples and None mean "no limit". ``since`` and ``until`` are UTC days, both
    included."""

    symbols: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    interval: Interval | None = None
    with_bodies: bool = False

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise BadFilter(f"since {self.since} is after until {self.until}")

    @property
    def starts(self) -> datetime | None:
        return datetime.combine(self.since, time(), UTC) if self.since else None

    @property
    def ends(self) -> datetime | None:
        """The first instant after ``until``: ranges are ``[starts, ends)``."""
        return datetime.combine(self.until, time(), UTC) + timedelta(days=1) if self.until else None


def parse_day(name: str, text: str | None) -> date | None:
    """A ``YYYY-MM-DD`` day, or None for none given."""
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadFilter(f"{name} {text!r} is not a day; write it as 2026-11-30") from None


def parse_list(text: str | None) -> tuple[str, ...]:
    """Comma-separated values, blanks dropped: ``SPX, CL`` -> ("SPX", "CL")."""
    return tuple(v.strip() for v in (text or "").split(",") if v.strip())


def parse_format(text: str) -> Format:
    try:
        return Format(text.lower())
    except ValueError:
        raise BadFilter(f"format {text!r} is not csv or parquet") from None


def parse_interval(text: str | None) -> Interval | None:
    if text is None or not text.strip():
        return None
    try:
        return Interval(text.strip())
    except ValueError:
        known = ", ".join(i.value for i in Interval)
        raise BadFilter(f"interval {text!r} is not one of {known}") from None
