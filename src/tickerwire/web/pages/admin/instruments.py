"""``/admin/instruments``: instruments beyond the sixteen. Search Yahoo's symbols
(``?q=``), review one (``?propose=``: its calendar, currency and precision inferred and
shown in a form to confirm or correct), add it (a POST: stored, joined to every process's
registry, its history backfilled) and land on its quote page. The same as
``tickerwire instruments search`` and ``add``, through the same actions."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from tickerwire import actions
from tickerwire.instruments import AssetClass
from tickerwire.markets.search import QUERY_MAX, Proposal
from tickerwire.store.instruments import InstrumentStore
from tickerwire.web.pages.admin.access import AdminPage, admin_form, register, runtime_of
from tickerwire.web.readers import PRIVATE, Reader

ADD_FIELDS = frozenset(
    {
        "symbol",
        "name",
        "asset_class",
        "calendar",
        "exchange",
        "currency",
        "precision",
        "yahoo_symbol",
        "stooq_symbol",
    }
)


class CandidateView(BaseModel):
    yahoo_symbol: str
    name: str
    kind: str
    exchange: str
    tracked: bool


class ProposalView(BaseModel):
    symbol: str
    name: str
    asset_class: str
    calendar: str
    exchange: str
    currency: str
    precision: int
    yahoo_symbol: str
    stooq_symbol: str
    price: float | None


class AddedView(BaseModel):
    symbol: str
    name: str
    asset_class: str
    calendar: str
    currency: str


class InstrumentsAdmin(BaseModel):
    query: str
    candidates: list[CandidateView]
    proposal: ProposalView | None
    refusal: str | None
    """Why a search or a review could not be done, in a sentence."""
    added: list[AddedView]
    asset_classes: list[str]
    query_max: int


async def build(request: Request, _reader: Reader) -> InstrumentsAdmin:
    runtime = runtime_of(request)
    query = request.query_params.get("q", "").strip()
    wanted = request.query_params.get("propose", "").strip()
    candidates: list[CandidateView] = []
    proposal = None
    refusal = None
    try:
        if query:
            found = await actions.search_instruments(runtime, query)
            tracked = {i.symbol_at("yahoo") for i in runtime.registry}
            candidates = [
                CandidateView(
                    yahoo_symbol=c.yahoo_symbol,
                    name=c.name,
                    kind=c.kind.lower(),
                    exchange=c.exchange_name,
                    tracked=c.yahoo_symbol in tracked,
                )
                for c in found
            ]
        if wanted:
            proposal = _view(await actions.propose_instrument(runtime, wanted))
    except actions.ActionError as error:
        refusal = str(error)
    stored = await run_in_threadpool(InstrumentStore(runtime.engine).added)
    return InstrumentsAdmin(
        query=query[:QUERY_MAX],
        candidates=candidates,
        proposal=proposal,
        refusal=refusal,
        added=[
            AddedView(
                symbol=i.symbol,
                name=i.name,
                asset_class=i.asset_class.value,
                calendar=i.calendar,
                currency=i.currency,
            )
            for i in stored
        ],
        asset_classes=[c.value for c in AssetClass],
        query_max=QUERY_MAX,
    )


def _view(proposal: Proposal) -> ProposalView:
    return ProposalView(
        symbol=proposal.symbol,
        name=proposal.name,
        asset_class=proposal.asset_class.value,
        calendar=proposal.calendar,
        exchange=proposal.exchange,
        currency=proposal.currency,
        precision=proposal.precision,
        yahoo_symbol=proposal.provider_symbols.get("yahoo", ""),
        stooq_symbol=proposal.provider_symbols.get("stooq", ""),
        price=proposal.price,
    )


def proposal_of(form: dict[str, str]) -> Proposal:
    """The proposal as the admin confirmed it; :func:`actions.add_instrument` checks it."""
    try:
        asset_class = AssetClass(form.get("asset_class", ""))
    except ValueError:
        raise actions.ActionError("choose an asset class from the list") from None
    precision = form.get("precision", "").strip()
    if not precision.isdigit() or int(precision) > 8:
        raise actions.ActionError("precision is a number of decimals from 0 to 8")
    symbols = {
        name: form.get(f"{name}_symbol", "").strip()
        for name in ("yahoo", "stooq")
        if form.get(f"{name}_symbol", "").strip()
    }
    if not symbols:
        raise actions.ActionError("an instrument needs at least one provider's symbol")
    return Proposal(
        symbol=form.get("symbol", "").strip().upper(),
        name=form.get("name", "").strip()[:200],
        asset_class=asset_class,
        calendar=form.get("calendar", "").strip(),
        exchange=form.get("exchange", "").strip()[:60],
        currency=form.get("currency", "").strip().upper(),
        precision=int(precision),
        provider_symbols=symbols,
        price=None,
    )


PAGE = AdminPage(
    name="admin.instruments",
    path="/admin/instruments",
    template="admin_instruments.html",
    build=build,
)

router = APIRouter(include_in_schema=False)
register(router, PAGE)


@router.post("/admin/instruments/add")
async def add(request: Request) -> Response:
    async def act(reader: Reader, form: dict[str, str]) -> Response:
        added = await actions.add_instrument(
            runtime_of(request), proposal_of(form), by=reader.member.id
        )
        target = f"/quote/{added.instrument.symbol}"
        return RedirectResponse(target, status_code=303, headers=PRIVATE)

    return await admin_form(request, PAGE, ADD_FIELDS, act)
