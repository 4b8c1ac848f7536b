"""``/admin/providers``: every instrument's chain of sources and what the poller's chain
last made of each (trusted, agrees, disagrees and by how much, distrusted and why), and,
asked for with ``?check=1``, a fresh probe of every provider for every instrument it
claims: the same report as ``tickerwire providers check`` and ``/api/v1/providers/check``.
Probing only reads (nothing is stored), so it is a GET, and the page works without
JavaScript."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from tickerwire import actions, humanize
from tickerwire.runtime import Runtime
from tickerwire.web import format as fmt
from tickerwire.web.pages.admin.access import AdminPage, register, runtime_of
from tickerwire.web.readers import Reader

GOOD = frozenset({"trusted", "agrees", "alone"})


class SourceView(BaseModel):
    provider: str
    verdict: str
    price: str
    as_of: datetime | None
    age: str
    reason: str | None
    checked_at: datetime


class InstrumentSourcesView(BaseModel):
    symbol: str
    label: str
    chain: list[str]
    sources: list[SourceView]
    disagreement: bool
    """Some source disagrees with the trusted one, or is distrusted."""


class ProbeView(BaseModel):
    symbol: str
    provider: str
    answered: bool
    latency_ms: float
    price: float | None
    price_text: str
    as_of: datetime | None
    age: str
    agreement: str | None
    error: str | None
    good: bool


class ProviderCheckView(BaseModel):
    checked_at: datetime
    probes: list[ProbeView]
    uncovered: list[str]
    """Instruments with no working source."""

    @classmethod
    def of(cls, runtime: Runtime, report: actions.ProviderCheck) -> ProviderCheckView:
        precision = {i.symbol: i.precision for i in report.instruments}
        return cls(
            checked_at=report.checked_at,
            uncovered=report.uncovered,
            probes=[
                ProbeView(
                    symbol=p.symbol,
                    provider=p.provider,
                    answered=p.answered,
                    latency_ms=round(p.latency_ms, 1),
                    price=p.price,
                    price_text=fmt.price(p.price, precision[p.symbol]),
                    as_of=p.as_of,
                    age=humanize.ago(p.as_of, report.checked_at) if p.as_of else "",
                    agreement=p.agreement,
                    error=p.error,
                    good=p.answered and (p.agreement or "") in GOOD,
                )
                for p in report.probes
            ],
        )


class ProvidersAdmin(BaseModel):
    instruments: list[InstrumentSourcesView]
    disagreements: int
    check: ProviderCheckView | None
    """Only when asked for (``?check=1``): probing takes a request to every provider."""


def sources_view(runtime: Runtime) -> list[InstrumentSourcesView]:
    now = runtime.now()
    views = []
    for entry in actions.provider_sources(runtime):
        views.append(
            InstrumentSourcesView(
                symbol=entry.instrument.symbol,
                label=entry.instrument.label,
                chain=entry.chain,
                disagreement=bool(entry.disagreements),
                sources=[
                    SourceView(
                        provider=s.provider,
                        verdict=s.verdict,
                        price=fmt.price(s.price, entry.instrument.precision),
                        as_of=s.as_of,
                        age=humanize.ago(s.as_of, now) if s.as_of else "",
                        reason=s.reason,
                        checked_at=s.checked_at,
                    )
                    for s in entry.sources
                ],
            )
        )
    return views


async def build(request: Request, _reader: Reader) -> ProvidersAdmin:
    runtime = runtime_of(request)
    check = None
    if request.query_params.get("check") == "1":
        check = ProviderCheckView.of(runtime, await actions.check_providers(runtime))
    instruments = await run_in_threadpool(sources_view, runtime)
    return ProvidersAdmin(
        instruments=instruments,
        disagreements=sum(i.disagreement for i in instruments),
        check=check,
    )


PAGE = AdminPage(
    name="admin.providers", path="/admin/providers", template="admin_providers.html", build=build
)

router = APIRouter(include_in_schema=False)
register(router, PAGE)
