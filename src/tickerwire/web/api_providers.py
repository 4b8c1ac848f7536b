"""``/api/v1/providers/check`` and ``/api/v1/providers/sources``: the admin's provider
report in the JSON API, the same view models as ``/admin/providers`` built by the same
actions as ``tickerwire providers check`` and ``sources``. For admins only: a request
speaks for a member by bearer token or session cookie, as the rest of the API
(:func:`tickerwire.web.api_watchlists.member_of_request`); a member who is not an admin
is refused with 403. A check asks every provider, so it is never cached."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from tickerwire import actions
from tickerwire.runtime import Runtime
from tickerwire.store.accounts import MemberRow
from tickerwire.web.api_watchlists import member_of_request
from tickerwire.web.pages.admin.providers import (
    InstrumentSourcesView,
    ProviderCheckView,
    sources_view,
)
from tickerwire.web.readers import PRIVATE

router = APIRouter(prefix="/api/v1/providers", tags=["providers"])


def admin_of_request(request: Request) -> MemberRow:
    member = member_of_request(request)
    if member.role != "admin" or member.disabled:
        raise HTTPException(403, "only the site's admins may see the provider report", PRIVATE)
    return member


Admin = Annotated[MemberRow, Depends(admin_of_request)]


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


@router.get("/check", response_model=ProviderCheckView)
async def check(
    request: Request,
    response: Response,
    _admin: Admin,
    symbols: Annotated[
        str, Query(max_length=500, description="comma-separated; all if empty")
    ] = "",
) -> ProviderCheckView:
    """Every configured provider asked now for every instrument it claims (or ``symbols``):
    answered, latency, price, age, agreement with the others, the first line of any error."""
    runtime = _runtime(request)
    wanted = [s.strip().upper() for s in symbols.split(",") if s.strip()]
    try:
        report = await actions.check_providers(runtime, wanted)
    except actions.ActionError as refusal:
        raise HTTPException(422, str(refusal), PRIVATE) from None
    response.headers.update(PRIVATE)
    return ProviderCheckView.of(runtime, report)


@router.get("/sources", response_model=list[InstrumentSourcesView])
async def sources(
    request: Request, response: Response, _admin: Admin
) -> list[InstrumentSourcesView]:
    """Each instrument's chain and the poller's chain's last verdict on each source."""
    response.headers.update(PRIVATE)
    return await run_in_threadpool(sources_view, _runtime(request))
