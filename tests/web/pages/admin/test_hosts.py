"""``/admin/hosts``: what the admin allows changes what the address guard lets through,
at once, in the same process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.http_server import LocalServer
from support.moments import FRIDAY_MORNING
from support.runtimes import opened_runtime
from tickerwire import actions
from tickerwire.runtime import Runtime
from web.pages.admin.conftest import PASSWORD, Browser, admin_settings, shown, signed_in


@pytest.fixture
def guarded(database_url: str, cheap_hashes: None) -> Iterator[tuple[Browser, Runtime]]:
    """A portal whose settings allow no private host."""
    settings = admin_settings(database_url, allow_hosts=[])
    with opened_runtime(settings, clock=lambda: FRIDAY_MORNING) as runtime:
        actions.create_member(runtime, "ada", PASSWORD, admin=True)
        for browser in signed_in(runtime, "ada"):
            yield browser, runtime


def add(admin: Browser, url: str) -> str:
    return shown(admin.post("/admin/feeds/add", "/admin/feeds", url=url, title=""))


def test_allowing_a_host_lets_a_feed_on_it_be_added(
    guarded: tuple[Browser, Runtime], server: LocalServer
) -> None:
    admin, _runtime = guarded
    assert "is not a public address (loopback)" in add(admin, server.url("/feed.xml"))
    response = admin.post("/admin/hosts/allow", "/admin/hosts", entry="127.0.0.1")
    assert (
        response.status_code == 303 and response.headers["location"] == "/admin/hosts?done=allowed"
    )
    assert "First fetch: 2 new entries" in add(admin, server.url("/feed.xml"))


def test_removing_a_host_refuses_it_again(
    guarded: tuple[Browser, Runtime], server: LocalServer
) -> None:
    admin, runtime = guarded
    admin.post("/admin/hosts/allow", "/admin/hosts", entry="127.0.0.1")
    admin.post("/admin/hosts/remove", "/admin/hosts", entry="127.0.0.1/32")
    assert actions.allowed_hosts(runtime).stored == []
    assert "is not a public address" in add(admin, server.url("/feed.xml"))


def test_the_list_shows_who_added_each_host_and_the_settings_ones(
    admin: Browser, runtime: Runtime
) -> None:
    admin.post("/admin/hosts/allow", "/admin/hosts", entry="NAS.lan")
    page = admin.get("/admin/hosts").text
    assert "<code>nas.lan</code>" in page and "by ada" in page
    assert "<li><code>127.0.0.1</code></li>" in page
    twin = admin.get("/admin/hosts.json").json()
    assert [h["entry"] for h in twin["stored"]] == ["nas.lan"]
    assert twin["stored"][0]["added_by"] == "ada" and twin["from_settings"] == ["127.0.0.1"]


def test_an_entry_that_is_no_host_is_refused_with_a_sentence(
    admin: Browser, runtime: Runtime
) -> None:
    response = admin.post("/admin/hosts/allow", "/admin/hosts", entry="http://nas.lan/feed")
    assert response.status_code == 400 and "is not a host name" in shown(response)
    assert actions.allowed_hosts(runtime).stored == []
