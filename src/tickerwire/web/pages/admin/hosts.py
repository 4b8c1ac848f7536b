"""``/admin/hosts``: the private hosts that user-supplied URLs (feeds, pages, images) may
reach: those stored here, changeable at once (as ``tickerwire hosts`` does), and those the
settings file names (``fetch.allow_hosts``, read at start), shown beside them."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from tickerwire import actions
from tickerwire.web.pages.admin.access import AdminPage, admin_form, back_to, register, runtime_of
from tickerwire.web.readers import Reader

ENTRY_FIELDS = frozenset({"entry"})
DONE = {
    "allowed": "The host is allowed: every process fetches from it within seconds.",
    "removed": "The host is off the list: fetches to it are refused again if it is private.",
}


class HostView(BaseModel):
    entry: str
    added_at: datetime
    added_by: str | None


class HostsAdmin(BaseModel):
    stored: list[HostView]
    from_settings: list[str]
    """``fetch.allow_hosts``: changed in the settings file, with a restart."""


def build(request: Request, _reader: Reader) -> HostsAdmin:
    allowed = actions.allowed_hosts(runtime_of(request))
    return HostsAdmin(
        stored=[
            HostView(entry=r.entry, added_at=r.added_at, added_by=r.added_by)
            for r in allowed.stored
        ],
        from_settings=allowed.from_settings,
    )


PAGE = AdminPage(name="admin.hosts", path="/admin/hosts", template="admin_hosts.html", build=build)

router = APIRouter(include_in_schema=False)
register(router, PAGE, DONE)


@router.post("/admin/hosts/allow")
async def allow(request: Request) -> Response:
    async def act(reader: Reader, form: dict[str, str]) -> Response:
        await run_in_threadpool(
            lambda: actions.allow_host(
                runtime_of(request), form.get("entry", ""), by=reader.member.username
            )
        )
        return back_to(PAGE, "allowed")

    return await admin_form(request, PAGE, ENTRY_FIELDS, act)


@router.post("/admin/hosts/remove")
async def remove(request: Request) -> Response:
    async def act(_reader: Reader, form: dict[str, str]) -> Response:
        await run_in_threadpool(actions.disallow_host, runtime_of(request), form.get("entry", ""))
        return back_to(PAGE, "removed")

    return await admin_form(request, PAGE, ENTRY_FIELDS, act)
