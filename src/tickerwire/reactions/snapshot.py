"""The prices at publication, recorded inside the article's own save transaction.

Intraday bars from free providers are kept for weeks at most, so the price when a story
broke is written down the moment the story is stored, with the quote's own time and
source, and with the horizons still to measure. Being part of the article's transaction, a
crash loses both or neither; the horizons waiting in the database are the timed work.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection

from tickerwire.instruments import Instrument, Registry, UnknownInstrument
from tickerwire.markets.calendar import ALWAYS_OPEN, US_STOCKS, market_status, us_market_status
from tickerwire.news.model import ArticleTags
from tickerwire.reactions.benchmarks import benchmark_for
from tickerwire.reactions.horizons import windows
from tickerwire.store.reactions import price_at, record_publication

#: How long after a horizon's end its prices are read: the poller's last quote of the
#: minute has been stored by then.
MEASURE_GRACE = timedelta(minutes=2)


def publication_instant(published: datetime | None, first_seen: datetime) -> datetime:
    """When the story became public: its stated time, never later than we first saw it
    (a publisher's clock ahead of ours would otherwise measure from the future)."""
    return first_seen if published is None or published > first_seen else published


def _state(instrument: Instrument, at: datetime) -> str:
    if instrument.calendar == US_STOCKS:
        return us_market_status(at).state.value
    if instrument.calendar == ALWAYS_OPEN:
        return "open"
    return market_status(instrument.calendar, at).state.value


class PublicationPrices:
    """The hook :meth:`NewsStore.save_article` calls for each article it stores."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def __call__(
        self,
        connection: Connection,
        article_id: int,
        published: datetime | None,
        tags: ArticleTags,
        now: datetime,
    ) -> None:
        at = publication_instant(published, now)
        tagged: list[Instrument] = []
        for tag in tags.instruments:
            try:
                tagged.append(self.registry.get(tag.symbol))
            except UnknownInstrument:
                continue  # a symbol dropped from the registry since it was tagged
        if not tagged:
            return
        measured: dict[str, tuple[Instrument, str]] = {i.symbol: (i, "tagged") for i in tagged}
        pending = []
        for instrument in tagged:
            benchmark = benchmark_for(instrument, self.registry)
            if benchmark is not None:
                measured.setdefault(benchmark.symbol, (benchmark, "benchmark"))
            for window in windows(instrument.calendar, at):
                pending.append(
                    {
                        "symbol": instrument.symbol,
                        "horizon": window.horizon.value,
                        "start_time": window.start,
                        "end_time": window.end,
                        "note": window.note,
                        "due_at": window.end + MEASURE_GRACE,
                        "benchmark_symbol": benchmark.symbol if benchmark else None,
                        "simulated": False,
                    }
                )
        prices = []
        for symbol, (instrument, role) in measured.items():
            point = price_at(connection, symbol, at)
            prices.append(
                {
                    "symbol": symbol,
                    "role": role,
                    "price": point.price if point else None,
                    "quote_time": point.time if point else None,
                    "source": point.source if point else None,
                    "simulated": point.simulated if point else False,
                    "market_state": _state(instrument, at),
                }
            )
        record_publication(connection, article_id, prices, pending, now)
