"""Instruments beyond the sixteen: found through Yahoo's symbol search, proposed with what
could be inferred, confirmed (or corrected) by an admin, then stored, joined to the
registry and backfilled, so the quote page has history from the first view."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from pydantic import ValidationError

from tickerwire.actions.common import ActionError
from tickerwire.actions.markets import backfill
from tickerwire.instruments import AssetClass, Instrument
from tickerwire.markets import calendar
from tickerwire.markets.providers.base import ProviderError
from tickerwire.markets.search import QUERY_MAX, Candidate, Proposal, YahooSearch
from tickerwire.runtime import Runtime
from tickerwire.store.instruments import InstrumentStore

BACKFILL_SPAN = "1y"
"""History fetched for a new instrument: what the quote page's longest default range shows."""
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class AddedInstrument:
    instrument: Instrument
    bars_written: int


def _search(runtime: Runtime) -> YahooSearch:
    if "yahoo" not in runtime.settings.providers.order:
        raise ActionError("symbol search asks Yahoo: add yahoo to providers.order to use it")
    return YahooSearch(
        runtime.settings.providers,
        runtime.fetcher,
        max_bytes=runtime.settings.fetch.provider_max_bytes,
    )


async def search_instruments(runtime: Runtime, query: str) -> list[Candidate]:
    """Yahoo's candidates for ``query`` (a name or a symbol), those we can track only."""
    text = " ".join(query.split())
    if not text:
        raise ActionError("type a name or a symbol to search for")
    if len(text) > QUERY_MAX:
        raise ActionError(f"a search is at most {QUERY_MAX} characters")
    try:
        return await _search(runtime).search(text)
    except ProviderError as error:
        raise ActionError(f"the symbol search failed: {error}") from None


async def propose_instrument(runtime: Runtime, yahoo_symbol: str) -> Proposal:
    """What would be added for ``yahoo_symbol``, inferred from search and its chart."""
    wanted = yahoo_symbol.strip()
    found = [c for c in await search_instruments(runtime, wanted) if c.yahoo_symbol == wanted]
    if not found:
        raise ActionError(f"Yahoo's search does not know the symbol {wanted!r}")
    try:
        proposal = await _search(runtime).propose(found[0])
    except ProviderError as error:
        raise ActionError(f"Yahoo did not describe {wanted}: {error}") from None
    if proposal is None:
        raise ActionError(f"Yahoo has no prices for {wanted} (renamed or delisted?)")
    return proposal


async def add_instrument(
    runtime: Runtime, proposal: Proposal, *, by: int | None = None
) -> AddedInstrument:
    """Store ``proposal`` (as the admin confirmed it), join it to the registry of this
    process (others take it in within a poll), and backfill its history."""
    instrument = _checked(runtime, proposal)
    store = InstrumentStore(runtime.engine)
    await asyncio.to_thread(store.add, instrument, at=runtime.now(), by=by)
    runtime.registry.merge([instrument])
    report = await backfill(runtime, [instrument.symbol], BACKFILL_SPAN)
    await runtime.poller.refresh([instrument])
    return AddedInstrument(instrument, report.bars_written)


def _checked(runtime: Runtime, proposal: Proposal) -> Instrument:
    if proposal.symbol.upper() in runtime.registry:
        raise ActionError(f"{proposal.symbol.upper()} is already tracked")
    if not proposal.calendar:
        raise ActionError("choose the calendar of the market it trades on")
    try:
        calendar.market_status(proposal.calendar, runtime.now())
    except calendar.CalendarError:
        raise ActionError(f"{proposal.calendar!r} is not a calendar code we know") from None
    if not _CURRENCY.match(proposal.currency.upper()):
        raise ActionError(f"{proposal.currency!r} is not a three-letter currency code")
    try:
        return Instrument(
            symbol=proposal.symbol,
            name=proposal.name.strip() or proposal.symbol,
            short_name=proposal.name.strip()[:60],
            asset_class=AssetClass(proposal.asset_class),
            calendar=proposal.calendar,
            exchange=proposal.exchange,
            currency=proposal.currency.upper(),
            precision=proposal.precision,
            provider_symbols=proposal.provider_symbols,
        )
    except (ValidationError, ValueError) as error:
        first = error.errors()[0]["msg"] if isinstance(error, ValidationError) else str(error)
        raise ActionError(f"this instrument cannot be added: {first}") from None
