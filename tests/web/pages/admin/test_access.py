"""Only admins see or post anything in the console: anyone not signed in is sent to sign
in (twins answer 401), members are refused (403), and a form without its token or sent
from another site changes nothing."""

from __future__ import annotations

import pytest

from tickerwire import actions
from tickerwire.runtime import Runtime
from web.pages.admin.conftest import BASE, Browser

PAGES = ["/admin", "/admin/feeds", "/admin/hosts", "/admin/members"]
FORMS = [
    "/admin/feeds/add",
    "/admin/feeds/1/pause",
    "/admin/feeds/1/refresh",
    "/admin/feeds/1/remove",
    "/admin/hosts/allow",
    "/admin/members/disable",
]


@pytest.mark.parametrize("path", PAGES)
def test_anyone_not_signed_in_is_sent_to_sign_in_and_back(anonymous: Browser, path: str) -> None:
    response = anonymous.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == f"/account/sign-in?next={path}"


@pytest.mark.parametrize("path", PAGES)
def test_a_twin_answers_401_to_anyone_not_signed_in(anonymous: Browser, path: str) -> None:
    response = anonymous.get(f"{path}.json")
    assert response.status_code == 401 and response.json() == {"detail": "sign in as an admin"}


@pytest.mark.parametrize("path", PAGES)
def test_a_member_who_is_not_an_admin_is_refused(member: Browser, path: str) -> None:
    page, twin = member.get(path), member.get(f"{path}.json")
    assert page.status_code == 403 and "only the site" in page.text
    assert twin.status_code == 403


@pytest.mark.parametrize("path", FORMS)
def test_a_member_cannot_post_the_console_forms(
    member: Browser, runtime: Runtime, path: str
) -> None:
    response = member.post(path, "/account", url="http://127.0.0.1/x", entry="10.0.0.1")
    assert response.status_code == 403
    assert actions.allowed_hosts(runtime).stored == [] and runtime.news.feeds() == []


def test_an_admin_sees_every_page_as_private(admin: Browser) -> None:
    for path in PAGES:
        page, twin = admin.get(path), admin.get(f"{path}.json")
        assert page.status_code == 200 and twin.status_code == 200, path
        assert page.headers["cache-control"] == "private, no-store"
        assert twin.headers["cache-control"] == "private, no-store"


def test_the_admin_link_is_in_an_admins_header_only(admin: Browser, member: Browser) -> None:
    assert 'href="/admin">Admin</a>' in admin.get("/").text
    assert 'href="/admin">Admin</a>' not in member.get("/").text


def test_a_form_without_its_token_is_refused_and_changes_nothing(
    admin: Browser, runtime: Runtime
) -> None:
    response = admin.client.post(
        "/admin/hosts/allow", data={"entry": "10.0.0.1"}, headers={"origin": BASE}
    )
    assert response.status_code == 403 and "reload the page" in response.text
    assert actions.allowed_hosts(runtime).stored == []


def test_a_form_sent_from_another_site_is_refused_and_changes_nothing(
    admin: Browser, runtime: Runtime
) -> None:
    response = admin.client.post(
        "/admin/hosts/allow",
        data={"form_token": admin.token(), "entry": "10.0.0.1"},
        headers={"origin": "https://evil.example", "sec-fetch-site": "cross-site"},
    )
    assert response.status_code == 403 and "another site" in response.text
    assert actions.allowed_hosts(runtime).stored == []


def test_a_field_the_form_does_not_have_refuses_it(admin: Browser, runtime: Runtime) -> None:
    response = admin.post("/admin/hosts/allow", entry="10.0.0.1", by="mallory")
    assert response.status_code == 400 and "more fields than it should" in response.text
    assert actions.allowed_hosts(runtime).stored == []


def test_an_upload_without_its_token_is_refused(admin: Browser, runtime: Runtime) -> None:
    response = admin.client.post(
        "/admin/feeds/import",
        files={"opml": ("feeds.opml", b"<opml/>", "text/x-opml")},
        headers={"origin": BASE},
    )
    assert response.status_code == 403 and runtime.news.feeds() == []


def test_a_disabled_admin_is_signed_out_of_the_console(admin: Browser, runtime: Runtime) -> None:
    actions.create_member(runtime, "grace", "correct horse battery", admin=True)
    actions.disable_member(runtime, "ada")
    response = admin.get("/admin/feeds")
    assert response.status_code == 303
    assert response.headers["location"] == "/account/sign-in?next=/admin/feeds"
