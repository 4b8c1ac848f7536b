"""``/admin/members``: every member with their role, state, sessions and when last seen,
and the invitations; forms to invite, disable and enable, and make an admin or a member,
each calling the function of :mod:`tickerwire.actions` that ``tickerwire users`` calls.
The code of a new invitation is shown once, on the page that answers the form (only its
hash is stored)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from tickerwire import actions
from tickerwire.web.pages.admin.access import (
    AdminPage,
    Shown,
    admin_form,
    back_to,
    register,
    runtime_of,
)
from tickerwire.web.readers import Reader

INVITE_FIELDS = frozenset({"note", "days"})
MEMBER_FIELDS = frozenset({"username"})
INVITE_ID_FIELDS = frozenset({"invite"})
DONE = {
    "disabled": "The member is disabled and signed out everywhere.",
    "enabled": "The member may sign in again.",
    "admin": "The member is an admin now.",
    "member": "The admin is a member now.",
    "revoked": "The invitation can no longer be used.",
}


class MemberView(BaseModel):
    id: int
    username: str
    email: str | None
    role: str
    disabled: bool
    created_at: datetime
    sessions: int
    last_seen_at: datetime | None


class InviteView(BaseModel):
    id: int
    note: str | None
    created_by: str | None
    created_at: datetime
    expires_at: datetime
    used_by: str | None
    used_at: datetime | None
    state: str
    """unused, used or expired."""


class MembersAdmin(BaseModel):
    members: list[MemberView]
    invites: list[InviteView]
    signup: str
    """accounts.signup: open, invite or closed."""
    invite_days: int


def build(request: Request, _reader: Reader) -> MembersAdmin:
    runtime = runtime_of(request)
    now = runtime.now()
    invites = []
    for row in actions.list_invites(runtime):
        state = "used" if row.used_at else ("expired" if row.expires_at <= now else "unused")
        invites.append(InviteView(**vars(row), state=state))
    return MembersAdmin(
        members=[MemberView(**vars(m)) for m in actions.list_members(runtime)],
        invites=invites,
        signup=runtime.settings.accounts.signup,
        invite_days=runtime.settings.accounts.invite_days,
    )


PAGE = AdminPage(
    name="admin.members", path="/admin/members", template="admin_members.html", build=build
)

router = APIRouter(include_in_schema=False)
register(router, PAGE, DONE)


@router.post("/admin/members/invite")
async def invite(request: Request) -> Response:
    async def act(reader: Reader, form: dict[str, str]) -> Shown:
        days = form.get("days", "").strip()
        if days and not days.isdigit():
            raise actions.ActionError("an invitation lasts a whole number of days")
        made = await run_in_threadpool(
            lambda: actions.invite_member(
                runtime_of(request),
                by=reader.member.id,
                days=int(days) if days else None,
                note=form.get("note", ""),
            )
        )
        link = str(request.base_url).rstrip("/") + made.path
        expires = made.expires_at.strftime("%Y-%m-%d %H:%M UTC")
        return Shown(
            f"Invitation {made.id} made; send this link (shown only now): {link} "
            f"— it can be used once, until {expires}."
        )

    return await admin_form(request, PAGE, INVITE_FIELDS, act)


def _member_action(name: str, done: str, change: str) -> None:
    async def post(request: Request) -> Response:
        async def act(_reader: Reader, form: dict[str, str]) -> Response:
            runtime = runtime_of(request)
            username = form.get("username", "")
            if change == "disable":
                await run_in_threadpool(actions.disable_member, runtime, username)
            elif change == "enable":
                await run_in_threadpool(actions.enable_member, runtime, username)
            else:
                await run_in_threadpool(actions.set_role, runtime, username, change)
            return back_to(PAGE, done)

        return await admin_form(request, PAGE, MEMBER_FIELDS, act)

    router.add_api_route(f"/admin/members/{name}", post, methods=["POST"])


_member_action("disable", "disabled", "disable")
_member_action("enable", "enabled", "enable")
_member_action("make-admin", "admin", "admin")
_member_action("make-member", "member", "member")


@router.post("/admin/members/revoke-invite")
async def revoke(request: Request) -> Response:
    async def act(_reader: Reader, form: dict[str, str]) -> Response:
        invite_id = form.get("invite", "")
        if not invite_id.isdigit():
            raise actions.ActionError(f"there is no unused invitation {invite_id[:20]}")
        await run_in_threadpool(actions.revoke_invite, runtime_of(request), int(invite_id))
        return back_to(PAGE, "revoked")

    return await admin_form(request, PAGE, INVITE_ID_FIELDS, act)
