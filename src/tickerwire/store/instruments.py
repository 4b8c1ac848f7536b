"""Instruments an admin added beyond the defaults and the settings, and what each provider
last said about each instrument (the failover chain's verdicts)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import SQLAlchemyError

from tickerwire.instruments import AssetClass, Instrument, Registry
from tickerwire.markets.providers.chain import SourceState
from tickerwire.store.schema import instruments, provider_quotes
from tickerwire.store.upsert import upsert

log = logging.getLogger(__name__)

_SOURCE_FIELDS = [c.name for c in provider_quotes.columns]


def merge_added(registry: Registry, engine: Engine) -> list[Instrument]:
    """Join the stored added instruments to ``registry``; the newly joined are returned.

    A store that is not there yet (not migrated, its server down) adds none rather than
    stopping the process: the health checks say what is wrong with it. From then on the
    registry asks the store again for a symbol it does not know (see
    :meth:`Registry.look_for_added`).
    """
    store = InstrumentStore(engine)

    def added() -> list[Instrument]:
        try:
            return store.added()
        except SQLAlchemyError as error:
            log.warning("added instruments not loaded: %s", str(error).splitlines()[0])
            return []

    registry.look_for_added(added)
    return registry.merge(added())


def _instrument_from_row(row: Any) -> Instrument:
    return Instrument(
        symbol=row.symbol,
        name=row.name,
        short_name=row.short_name,
        asset_class=AssetClass(row.asset_class),
        calendar=row.calendar,
        exchange=row.exchange,
        currency=row.currency,
        precision=row.precision,
        provider_symbols=dict(row.provider_symbols),
    )


class InstrumentStore:
    """Added instruments keyed by our symbol; a second add of one symbol replaces it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def added(self) -> list[Instrument]:
        """Every added instrument, oldest first (the order they join the registry)."""
        query = select(instruments).order_by(instruments.c.added_at, instruments.c.symbol)
        with self.engine.connect() as connection:
            return [_instrument_from_row(row) for row in connection.execute(query)]

    def add(self, instrument: Instrument, *, at: datetime, by: int | None) -> None:
        row = instrument.model_dump(exclude={"start_price"}) | {"added_at": at, "added_by": by}
        row["asset_class"] = instrument.asset_class.value
        with self.engine.begin() as connection:
            upsert(connection, instruments, [row], keys=["symbol"])

    def count_added_by(self, member_id: int) -> int:
        """How many stored instruments ``member_id`` added: what a member's cap counts."""
        query = select(func.count()).where(instruments.c.added_by == member_id)
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def remove(self, symbol: str) -> bool:
        with self.engine.begin() as connection:
            result = connection.execute(delete(instruments).where(instruments.c.symbol == symbol))
            return bool(result.rowcount)

    def save_sources(self, states: Iterable[SourceState]) -> None:
        rows = [
            {name: value for name, value in asdict(s).items() if name in _SOURCE_FIELDS}
            for s in states
        ]
        with self.engine.begin() as connection:
            upsert(connection, provider_quotes, rows, keys=["provider", "symbol"])

    def sources(self) -> list[SourceState]:
        """Every (provider, instrument) verdict stored, by symbol then provider."""
        query = select(provider_quotes).order_by(
            provider_quotes.c.symbol, provider_quotes.c.provider
        )
        with self.engine.connect() as connection:
            return [
                SourceState(
                    **{name: getattr(row, name) for name in _SOURCE_FIELDS},
                    distrusted=row.verdict == "distrusted",
                )
                for row in connection.execute(query)
            ]
