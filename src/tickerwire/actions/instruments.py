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
from tickerwire.actions.watchlists import add_to_watchlist, watchlist_of
from tickerwire.instruments import AssetClass, Instrument
from tickerwire.markets import calendar
from tickerwire.markets.providers.base import ProviderError
from tickerwire.markets.search import QUERY_MAX, Candidate, Proposal, YahooSearch
from tickerwire.runtime import Runtime
from tickerwire.store.instruments import InstrumentStore
from tickerwire.store.watchlists import WatchlistRow

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


# A member's door: from a watchlist page ---------------------------------------------


@dataclass(frozen=True)
class Found:
    """A search result as a member sees it: what adding it would record, and our symbol
    for it when the site tracks it already (empty when not)."""

    proposal: Proposal
    tracked: str


def _tracked(runtime: Runtime) -> dict[str, str]:
    """Yahoo's symbol -> ours, for every instrument the registry holds."""
    return {y: i.symbol for i in runtime.registry if (y := i.symbol_at("yahoo"))}


async def find_instruments(runtime: Runtime, query: str) -> list[Found]:
    """The candidates for ``query`` with what would be inferred of each (their charts
    asked for at once), so a member confirms a symbol knowing its market, currency and
    decimals; one Yahoo has no prices for is left out."""
    candidates = await search_instruments(runtime, query)
    search = _search(runtime)
    try:
        proposals = await asyncio.gather(*(search.propose(c) for c in candidates))
    except ProviderError as error:
        raise ActionError(f"Yahoo did not describe what it found: {error}") from None
    tracked = _tracked(runtime)
    return [
        Found(p, tracked.get(p.provider_symbols.get("yahoo", ""), ""))
        for p in proposals
        if p is not None
    ]


def why_member_cannot_add(runtime: Runtime, member_id: int) -> str | None:
    """Why this member may not add an instrument to the site, or None when they may.
    Admins always may; members when ``accounts.members_add_instruments`` is on, up to
    ``accounts.instruments_per_member`` each, since every one is asked for at every poll."""
    member = runtime.accounts.member(member_id)
    if member is not None and member.is_admin:
        return None
    policy = runtime.settings.accounts
    if not policy.members_add_instruments:
        return "on this site only admins add instruments"
    added = InstrumentStore(runtime.engine).count_added_by(member_id)
    if added >= policy.instruments_per_member:
        return f"you have added {added}, the most a member may"
    return None


async def add_searched_instrument_to_watchlist(
    runtime: Runtime, member_id: int, watchlist_id: int, yahoo_symbol: str
) -> WatchlistRow:
    """The symbol Yahoo's search found, on the member's list: added to the site first
    (inferred afresh here, never as a form said it; history backfilled) when the site
    does not track it yet and its policy lets this member."""
    await asyncio.to_thread(watchlist_of, runtime, member_id, watchlist_id)
    proposal = await propose_instrument(runtime, yahoo_symbol)
    symbol = _tracked(runtime).get(proposal.provider_symbols.get("yahoo", ""), "")
    if not symbol and proposal.symbol.upper() in runtime.registry:
        symbol = runtime.registry.get(proposal.symbol.upper()).symbol
    if not symbol:
        refusal = await asyncio.to_thread(why_member_cannot_add, runtime, member_id)
        if refusal is None and not proposal.calendar:
            refusal = "its exchange is not in our table of market calendars"
        if refusal is not None:
            raise ActionError(f"Ask an admin to add {proposal.symbol}: {refusal}")
        added = await add_instrument(runtime, proposal, by=member_id)
        symbol = added.instrument.symbol
    return await asyncio.to_thread(add_to_watchlist, runtime, member_id, watchlist_id, symbol)
