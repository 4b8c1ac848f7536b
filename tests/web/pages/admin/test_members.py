"""``/admin/members``: invite, disable and enable, make admin and member, through the
actions ``tickerwire users`` calls; the last admin stays one."""

from __future__ import annotations

import re

from tickerwire import actions
from tickerwire.runtime import Runtime
from tickerwire.store.accounts import MemberListing
from web.pages.admin.conftest import Browser, shown


def listed(runtime: Runtime, username: str) -> MemberListing:
    return next(m for m in actions.list_members(runtime) if m.username == username)


def test_every_member_is_listed_with_their_role(admin: Browser) -> None:
    twin = admin.get("/admin/members.json").json()
    assert [(m["username"], m["role"], m["disabled"]) for m in twin["members"]] == [
        ("ada", "admin", False),
        ("bob", "member", False),
    ]
    assert "password_hash" not in str(twin)


def test_an_invitation_shows_its_link_once_and_is_listed_without_it(
    admin: Browser, runtime: Runtime
) -> None:
    response = admin.post("/admin/members/invite", "/admin/members", note="for grace", days="3")
    assert response.status_code == 200
    link = re.search(r"(http://testserver/account/sign-up\?invite=\S+)", shown(response))
    assert link is not None
    code = link.group(1).rsplit("=", 1)[1]
    page = admin.get("/admin/members").text
    assert "for grace" in page and code not in page
    assert [i.note for i in actions.list_invites(runtime)] == ["for grace"]


def test_disabling_a_member_signs_them_out_and_enabling_lets_them_back(
    admin: Browser, member: Browser, runtime: Runtime
) -> None:
    assert member.get("/api/v1/me").json()["signed_in"]
    response = admin.post("/admin/members/disable", "/admin/members", username="bob")
    assert response.status_code == 303 and listed(runtime, "bob").disabled
    assert not member.get("/api/v1/me").json()["signed_in"]
    admin.post("/admin/members/enable", "/admin/members", username="bob")
    assert not listed(runtime, "bob").disabled


def test_making_a_member_an_admin_and_back(admin: Browser, runtime: Runtime) -> None:
    admin.post("/admin/members/make-admin", "/admin/members", username="bob")
    assert listed(runtime, "bob").role == "admin"
    admin.post("/admin/members/make-member", "/admin/members", username="bob")
    assert listed(runtime, "bob").role == "member"


def test_the_last_admin_cannot_be_made_a_member(admin: Browser, runtime: Runtime) -> None:
    response = admin.post("/admin/members/make-member", "/admin/members", username="ada")
    assert response.status_code == 400 and "only admin" in shown(response)
    assert listed(runtime, "ada").role == "admin"


def test_revoking_an_invitation(admin: Browser, runtime: Runtime) -> None:
    made = actions.invite_member(runtime, note="for grace")
    response = admin.post("/admin/members/revoke-invite", "/admin/members", invite=str(made.id))
    assert response.status_code == 303
    assert admin.get("/admin/members.json").json()["invites"][0]["state"] != "unused"
