"""The JSON API, version 1. OpenAPI at /docs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel

from tickerwire import actions
from tickerwire.runtime import Runtime
from tickerwire.web import movers as mover_lists
from tickerwire.web import parts, past_view
from tickerwire.web.deps import get_runtime
from tickerwire.web.pages import search as search_page
from tickerwire.web.readers import PRIVATE, reader_of

router = APIRouter(prefix="/api/v1", tags=["markets"])
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
MAX_SYMBOLS = 50
AtQuery = Annotated[
    str | None,
    Query(
        description="a past moment, ISO 8601 with a zone (2026-11-30T15:30Z) or a date (its "
        "end, UTC): the answer as it was then, from what was stored before it",
        max_length=64,
    ),
]


class MarketStatusResponse(BaseModel):
    as_of: datetime
    """The moment described: now, or the ``at`` asked for."""
    banner: parts.Banner
    markets: list[parts.MarketView]


class QuotesResponse(BaseModel):
    as_of: datetime
    quotes: list[parts.RibbonCell]


class RibbonResponse(BaseModel):
    as_of: datetime
    simulated: bool
    ribbon: list[parts.RibbonCell]
    note: str | None = None
    """In a past view, what had no data then (prices older than the minute bars, none)."""


def _moment(runtime: Runtime, at: str | None) -> datetime | None:
    """The past moment of ``at``; a bad or future one is a 400 that says why."""
    if at is None:
        return None
    try:
        return actions.moment_from(runtime, at)
    except actions.ActionError as error:
        raise HTTPException(400, f"at: {error}") from None


class ProvidersResponse(BaseModel):
    order: list[str]
    notices: list[parts.ProviderNotice]


@router.get("/market-status", response_model=MarketStatusResponse)
def market_status(runtime: RuntimeDep, at: AtQuery = None) -> MarketStatusResponse:
    """The U.S. banner, and the state of every market the registry's instruments trade on
    (at ``at``, when given)."""
    now = _moment(runtime, at) or runtime.now()
    seen: dict[str, parts.MarketView] = {}
    for instrument in runtime.registry:
        if instrument.calendar not in seen:
            seen[instrument.calendar] = parts.market_view(instrument, now)
    return MarketStatusResponse(as_of=now, banner=parts.banner(now), markets=list(seen.values()))


def _symbols(raw: str) -> list[str]:
    symbols = [s.strip().upper() for s in raw.split(",") if s.strip()]
    if not symbols:
        raise HTTPException(422, "give one or more symbols, comma-separated, e.g. SPX,BTCUSD")
    if len(symbols) > MAX_SYMBOLS:
        raise HTTPException(422, f"at most {MAX_SYMBOLS} symbols per request")
    return symbols


@router.get("/quotes", response_model=QuotesResponse)
def quotes(
    runtime: RuntimeDep,
    symbols: Annotated[str, Query(description="comma-separated symbols, e.g. SPX,BTCUSD")],
    at: AtQuery = None,
) -> QuotesResponse:
    """Latest stored quotes, or the last known at ``at``. Unknown symbols are a 404 that
    names them."""
    wanted = _symbols(symbols)
    unknown = [s for s in wanted if s not in runtime.registry]
    if unknown:
        raise HTTPException(404, f"unknown symbols: {', '.join(unknown)}")
    moment = _moment(runtime, at)
    if moment is not None:
        chosen = [runtime.registry.get(s) for s in wanted]
        top, _note = past_view.markets_top_at(runtime, moment, chosen)
        return QuotesResponse(as_of=moment, quotes=top.ribbon)
    now = runtime.now()
    stored = runtime.markets.latest_quotes(wanted)
    cells = [
        parts.ribbon_cell(runtime, runtime.registry.get(s), stored.get(s), now) for s in wanted
    ]
    return QuotesResponse(as_of=now, quotes=cells)


@router.get("/ribbon", response_model=RibbonResponse)
def ribbon(runtime: RuntimeDep, at: AtQuery = None) -> RibbonResponse:
    """The ribbon, in its configured order, with sparklines and freshness; with ``at``, as
    it was then (a cell with no price stored by then says "no data")."""
    moment = _moment(runtime, at)
    if moment is not None:
        top, note = past_view.markets_top_at(runtime, moment)
        return RibbonResponse(as_of=moment, simulated=top.simulated, ribbon=top.ribbon, note=note)
    now = runtime.now()
    cells = parts.ribbon(runtime, now)
    simulated = runtime.settings.demo or any(c.simulated for c in cells)
    return RibbonResponse(as_of=now, simulated=simulated, ribbon=cells)


@router.get("/providers", response_model=ProvidersResponse)
def providers(runtime: RuntimeDep) -> ProvidersResponse:
    """The failover order and any provider that is failing, with when it retries."""
    return ProvidersResponse(
        order=runtime.settings.providers.order,
        notices=parts.provider_notices(runtime, runtime.now()),
    )


class SymbolMatch(BaseModel):
    symbol: str
    name: str
    asset_class: str
    path: str


@router.get("/symbols", response_model=list[SymbolMatch])
def symbols(
    runtime: RuntimeDep,
    q: Annotated[str, Query(max_length=100, description="start of a symbol or name")] = "",
) -> list[SymbolMatch]:
    """Autocomplete: tracked instruments whose symbol or name starts with (or, after those,
    contains) ``q``."""
    needle = q.strip().casefold()
    ranked: list[tuple[int, str]] = []
    for instrument in runtime.registry:
        names = (
            instrument.symbol.casefold(),
            instrument.name.casefold(),
            instrument.label.casefold(),
        )
        if not needle or any(n.startswith(needle) for n in names):
            ranked.append((0, instrument.symbol))
        elif any(needle in n for n in names):
            ranked.append((1, instrument.symbol))
    return [
        SymbolMatch(
            symbol=i.symbol, name=i.name, asset_class=i.asset_class.value, path=f"/quote/{i.symbol}"
        )
        for i in (runtime.registry.get(s) for _, s in sorted(ranked)[:20])
    ]


@router.get("/movers", response_model=mover_lists.Movers)
def movers(runtime: RuntimeDep) -> mover_lists.Movers:
    """Gainers, losers and most active among tracked instruments, and the instruments most
    named in the last 24 hours of news."""
    return mover_lists.movers(runtime)


@router.get("/search", response_model=search_page.SearchPage, tags=["news"])
def search(
    runtime: RuntimeDep,
    q: Annotated[str, Query(max_length=500, description='words; "a phrase" in quotes')] = "",
    publisher: str | None = None,
    symbol: str | None = None,
    since: Annotated[str | None, Query(description="YYYY-MM-DD, inclusive")] = None,
    until: Annotated[str | None, Query(description="YYYY-MM-DD, inclusive")] = None,
    page: Annotated[int, Query(ge=1, le=500)] = 1,
) -> search_page.SearchPage:
    """Full-text search over stored articles, ranked by relevance and recency."""
    try:
        return search_page.search(
            runtime, q=q, publisher=publisher, symbol=symbol, since=since, until=until, page=page
        )
    except search_page.SearchError as error:
        raise HTTPException(422, str(error)) from error


class MemberView(BaseModel):
    id: int
    username: str
    role: str
    created_at: datetime


class MeResponse(BaseModel):
    signed_in: bool
    member: MemberView | None


@router.get("/me", response_model=MeResponse, tags=["accounts"])
def me(request: Request, response: Response) -> MeResponse:
    """The member signed in on this browser (by its session cookie), or ``signed_in: false``."""
    response.headers.update(PRIVATE)
    reader = reader_of(request)
    if reader is None:
        return MeResponse(signed_in=False, member=None)
    member = reader.member
    view = MemberView(
        id=member.id, username=member.username, role=member.role, created_at=member.created_at
    )
    return MeResponse(signed_in=True, member=view)
