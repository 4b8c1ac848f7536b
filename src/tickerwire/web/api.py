"""The JSON API, version 1. OpenAPI at /docs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel

from tickerwire.runtime import Runtime
from tickerwire.web import views
from tickerwire.web.deps import get_runtime

router = APIRouter(prefix="/api/v1", tags=["markets"])
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
MAX_SYMBOLS = 50


class MarketStatusResponse(BaseModel):
    banner: views.Banner
    markets: list[views.MarketView]


class QuotesResponse(BaseModel):
    quotes: list[views.RibbonCell]


class RibbonResponse(BaseModel):
    simulated: bool
    ribbon: list[views.RibbonCell]


class ProvidersResponse(BaseModel):
    order: list[str]
    notices: list[views.ProviderNotice]


@router.get("/market-status", response_model=MarketStatusResponse)
def market_status(runtime: RuntimeDep) -> MarketStatusResponse:
    """The U.S. banner, and the state of every market the registry's instruments trade on."""
    now = runtime.now()
    seen: dict[str, views.MarketView] = {}
    for instrument in runtime.registry:
        if instrument.calendar not in seen:
            seen[instrument.calendar] = views.market_view(instrument, now)
    return MarketStatusResponse(banner=views.banner(now), markets=list(seen.values()))


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
) -> QuotesResponse:
    """Latest stored quotes. Unknown symbols are a 404 that names them."""
    wanted = _symbols(symbols)
    unknown = [s for s in wanted if s not in runtime.registry]
    if unknown:
        raise HTTPException(404, f"unknown symbols: {', '.join(unknown)}")
    now = runtime.now()
    stored = runtime.markets.latest_quotes(wanted)
    cells = [
        views.ribbon_cell(runtime, runtime.registry.get(s), stored.get(s), now) for s in wanted
    ]
    return QuotesResponse(quotes=cells)


@router.get("/ribbon", response_model=RibbonResponse)
def ribbon(runtime: RuntimeDep) -> RibbonResponse:
    """The ribbon, in its configured order, with sparklines and freshness."""
    cells = views.ribbon(runtime, runtime.now())
    simulated = runtime.settings.demo or any(c.simulated for c in cells)
    return RibbonResponse(simulated=simulated, ribbon=cells)


@router.get("/providers", response_model=ProvidersResponse)
def providers(runtime: RuntimeDep) -> ProvidersResponse:
    """The failover order and any provider that is failing, with when it retries."""
    return ProvidersResponse(
        order=runtime.settings.providers.order, notices=views.provider_notices(runtime)
    )
