"""``/admin``: readiness checks, providers, the job queue and counts, and its twin."""

from __future__ import annotations

from support.http_server import LocalServer
from tickerwire import actions
from tickerwire.runtime import Runtime
from web.pages.admin.conftest import Browser


def test_the_overview_shows_each_check_and_provider(admin: Browser, runtime: Runtime) -> None:
    page = admin.get("/admin").text
    for check in ("database", "redis", "job queue", "providers"):
        assert f"<dt>{check}</dt>" in page
    for name in runtime.settings.providers.order:
        assert f'data-label="Provider">{name}</td>' in page


def test_on_sqlite_the_job_queue_is_embedded_and_on_postgresql_it_is_counted(
    admin: Browser, runtime: Runtime
) -> None:
    queue = admin.get("/admin.json").json()["queue"]
    if runtime.engine.dialect.name == "sqlite":
        assert queue["engine"] == "embedded" and queue["waiting"] is None
    else:
        assert queue["engine"] == "procrastinate" and isinstance(queue["waiting"], int)


def test_the_counts_say_what_the_site_holds(
    admin: Browser, runtime: Runtime, server: LocalServer
) -> None:
    admin.post("/admin/feeds/add", "/admin/feeds", url=server.url("/feed.xml"), title="")
    actions.pause_feed(runtime, "1")
    actions.allow_host(runtime, "nas.lan")
    counts = admin.get("/admin.json").json()["counts"]
    assert counts["feeds"] == 1 and counts["paused_feeds"] == 1 and counts["entries"] == 2
    assert counts["members"] == 2 and counts["admins"] == 1 and counts["allowed_hosts"] == 1
