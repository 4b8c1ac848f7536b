"""The movers lists: gainers, losers and most active among the tracked instruments, and
the instruments most named in the last day's news. Shown on the home page and served at
/api/v1/movers, each quote read through the one quote rule."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

from pydantic import BaseModel

from tickerwire.runtime import Runtime
from tickerwire.web.parts import quote_figures


class Mover(BaseModel):
    symbol: str
    name: str
    price_text: str
    change_percent: float | None
    percent_text: str
    direction: str
    path: str


class Movers(BaseModel):
    gainers: list[Mover]
    losers: list[Mover]
    most_active: list[Mover]
    trending: list[Mover]


def movers(runtime: Runtime, limit: int = 5, *, symbols: Collection[str] | None = None) -> Movers:
    """Gainers, losers and most active among tracked instruments (only ``symbols``, a
    watchlist's, when given); trending = most named in the last 24 hours of news."""
    now = runtime.now()
    quotes = runtime.markets.latest_quotes(list(symbols) if symbols is not None else None)

    zone = runtime.settings.timezone

    def mover(symbol: str) -> Mover:
        instrument = runtime.registry.get(symbol)
        quote = quotes.get(symbol)
        shown = quote_figures(instrument, quote, zone, now)
        return Mover(
            symbol=symbol,
            name=instrument.label,
            price_text=shown.price_text,
            change_percent=quote.change_percent if quote else None,
            percent_text=shown.percent_text,
            direction=shown.direction,
            path=f"/quote/{symbol}",
        )

    changed = sorted(
        (s for s, q in quotes.items() if s in runtime.registry and q.change_percent is not None),
        key=lambda s: quotes[s].change_percent or 0.0,
    )
    gainers = [s for s in reversed(changed) if (quotes[s].change_percent or 0) > 0][:limit]
    losers = [s for s in changed if (quotes[s].change_percent or 0) < 0][:limit]
    with_volume = sorted(
        (s for s, q in quotes.items() if s in runtime.registry and q.volume),
        key=lambda s: quotes[s].volume or 0.0,
        reverse=True,
    )[:limit]
    named = runtime.news.trending(now - timedelta(hours=24), limit if symbols is None else 50)
    trending = [
        t.symbol
        for t in named
        if t.symbol in runtime.registry and (symbols is None or t.symbol in symbols)
    ][:limit]
    return Movers(
        gainers=[mover(s) for s in gainers],
        losers=[mover(s) for s in losers],
        most_active=[mover(s) for s in with_volume],
        trending=[mover(s) for s in trending],
    )
