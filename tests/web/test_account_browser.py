"""Accounts in a real browser (Debian's Chromium through Playwright): signing up, out and
in again back to the page the header's link was on; and a page on another origin whose
forms post to ours, refused with nothing changed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape

import pytest

from support.account_forms import PASSWORD
from support.browser import CHROMIUM_ARGS, chromium_or_skip, serving
from support.http_server import LocalServer, Reply
from tickerwire import actions
from tickerwire.config import Settings
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("cheap_hashes")]


@pytest.fixture(scope="module")
def chromium_path() -> str:
    return chromium_or_skip()


@pytest.fixture
def live_server(settings: Settings, runtime: Runtime) -> Iterator[str]:
    with serving(create_app(settings, runtime=runtime)) as base:
        yield base


@pytest.fixture
def page(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser.new_page(viewport={"width": 1400, "height": 900})
        browser.close()


def sign_up_in(page: object, base: str, username: str = "ada") -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(f"{base}/account/sign-up")
    page.fill("#sign-up-username", username)
    page.fill("#sign-up-password", PASSWORD)
    page.fill("#sign-up-confirm", PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(f"{base}/account")
    expect(page.locator(".reader-name")).to_have_text(username)


def another_origin(form_action: str, fields: dict[str, str]) -> LocalServer:
    """A page on a second local origin (another port) that posts a form to ours at once."""
    inputs = "".join(
        f'<input name="{escape(name)}" value="{escape(value)}">' for name, value in fields.items()
    )
    html = (
        f'<form id="f" method="post" action="{escape(form_action)}">{inputs}</form>'
        '<script>document.getElementById("f").submit()</script>'
    )
    server = LocalServer()
    server.route("/", Reply(body=html.encode(), headers={"content-type": "text/html"}))
    return server


def test_sign_up_sign_out_and_sign_in_lands_on_the_page_signed_in_from(
    live_server: str, page: object
) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_up_in(page, live_server)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server}/")
    expect(page.locator(".reader-name")).to_have_count(0)

    page.goto(f"{live_server}/quote/SPX?range=5D")
    page.locator(".reader-sign-in").click()
    expect(page).to_have_url(re.compile(r"/account/sign-in\?next=/quote/SPX%3Frange%3D5D$"))
    page.fill("#sign-in-username", "ada")
    page.fill("#sign-in-password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server}/quote/SPX?range=5D")
    expect(page.locator(".reader-name")).to_have_text("ada")
    expect(page.locator("h1.quote-name")).to_contain_text("S&P 500")
    assert errors == []


def test_a_password_change_posted_from_another_origin_is_refused(
    live_server: str, page: object, runtime: Runtime
) -> None:
    """Even with the member's own form token in it, and the session cookie sent along (the
    other port is the same site, so SameSite=Lax does not hold it back)."""
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    sign_up_in(page, live_server)
    token = page.locator(".sign-out input[name=form_token]").get_attribute("value") or ""
    fields = {
        "form_token": token,
        "current": PASSWORD,
        "new": "owned by mallory",
        "confirm": "owned by mallory",
    }
    with another_origin(f"{live_server}/account/password", fields) as evil:
        with page.expect_response(f"{live_server}/account/password") as answer:
            page.goto(evil.url("/"))
        assert answer.value.status == 403
        expect(page.locator("main")).to_contain_text("sent from another site")
    assert actions.sign_in(runtime, "ada", PASSWORD, address="test").member.username == "ada"
    with pytest.raises(actions.SignInRefused):
        actions.sign_in(runtime, "ada", "owned by mallory", address="test")
    page.goto(f"{live_server}/account")
    expect(page.locator(".reader-name")).to_have_text("ada")  # still signed in


def test_a_sign_in_posted_from_another_origin_is_refused(
    live_server: str, page: object, runtime: Runtime
) -> None:
    """Login CSRF: another site cannot sign the browser in to an account of its choosing."""
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    actions.create_member(runtime, "mallory", PASSWORD)
    page.goto(f"{live_server}/account/sign-in")
    token = page.locator("form input[name=form_token]").last.get_attribute("value") or ""
    fields = {"form_token": token, "username": "mallory", "password": PASSWORD}
    with another_origin(f"{live_server}/account/sign-in", fields) as evil:
        with page.expect_response(f"{live_server}/account/sign-in") as answer:
            page.goto(evil.url("/"))
        assert answer.value.status == 403
    page.goto(f"{live_server}/api/v1/me")
    assert '"signed_in":false' in page.content()
    assert runtime.accounts.session_count(runtime.accounts.member_by_key("mallory").id) == 0  # type: ignore[union-attr]
