"""``/admin/feeds``: adding a feed shows its first fetch, and pausing, refreshing,
removing and OPML in and out all go through the actions the CLI calls."""

from __future__ import annotations

import asyncio

from support.http_server import LocalServer, Reply
from tickerwire.jobs import tasks
from tickerwire.news.parse.opml import parse_opml
from tickerwire.runtime import Runtime
from web.pages.admin.conftest import Browser, shown

PAGE = b'<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head>'


def add(admin: Browser, url: str) -> str:
    response = admin.post("/admin/feeds/add", "/admin/feeds", url=url, title="")
    assert response.status_code in (200, 400), response.text
    return shown(response)


def test_adding_a_feed_fetches_it_and_shows_the_first_fetch(
    admin: Browser, server: LocalServer
) -> None:
    said = add(admin, server.url("/feed.xml"))
    assert said == f"Subscribed to feed 1, {server.url('/feed.xml')}. First fetch: 2 new entries."
    assert 'class="feed state-ok"' in admin.get("/admin/feeds").text


def test_adding_a_page_subscribes_to_the_feed_it_names(admin: Browser, server: LocalServer) -> None:
    server.route("/markets", Reply(body=PAGE, headers={"Content-Type": "text/html"}))
    said = add(admin, server.url("/markets"))
    assert f"(the feed named by {server.url('/markets')})" in said and "2 new entries" in said


def test_a_failed_first_fetch_is_shown_and_the_feed_stays(
    admin: Browser, server: LocalServer
) -> None:
    server.route("/broken.xml", Reply(status=500))
    said = add(admin, server.url("/broken.xml"))
    assert "Its first fetch failed: " in said and "HTTP 500" in said and "retried in" in said
    feeds = admin.get("/admin/feeds.json").json()["feeds"]
    assert feeds[0]["state"] == "error" and "HTTP 500" in feeds[0]["last_error"]


def test_a_refused_url_is_shown_and_nothing_is_subscribed(admin: Browser, runtime: Runtime) -> None:
    response = admin.post("/admin/feeds/add", "/admin/feeds", url="javascript:alert(1)", title="")
    assert response.status_code == 400 and "not an http(s) URL" in shown(response)
    assert runtime.news.feeds() == []


def test_a_paused_feed_is_shown_as_paused_and_skipped_by_the_schedule(
    admin: Browser, runtime: Runtime, server: LocalServer
) -> None:
    add(admin, server.url("/feed.xml"))
    response = admin.post("/admin/feeds/1/pause", "/admin/feeds")
    assert (
        response.status_code == 303 and response.headers["location"] == "/admin/feeds?done=paused"
    )
    page = admin.get("/admin/feeds?done=paused").text
    assert 'class="feed state-paused"' in page and "nothing fetches it" in page
    assert 'action="/admin/feeds/1/resume"' in page
    fetched = len(server.requests)
    later = runtime.now().replace(year=runtime.now().year + 1)
    assert runtime.news.due_feeds(later) == []
    assert asyncio.run(tasks.refresh_feed(runtime, 1)) is None and len(server.requests) == fetched


def test_a_resumed_feed_is_due_on_its_schedule_again(
    admin: Browser, runtime: Runtime, server: LocalServer
) -> None:
    add(admin, server.url("/feed.xml"))
    admin.post("/admin/feeds/1/pause", "/admin/feeds")
    admin.post("/admin/feeds/1/resume", "/admin/feeds")
    later = runtime.now().replace(year=runtime.now().year + 1)
    assert [feed.id for feed in runtime.news.due_feeds(later)] == [1]


def test_refresh_now_fetches_the_feed_and_says_what_it_got(
    admin: Browser, server: LocalServer
) -> None:
    add(admin, server.url("/feed.xml"))
    before = len(server.requests)
    response = admin.post("/admin/feeds/1/refresh", "/admin/feeds")
    assert response.status_code == 200 and shown(response) == "Feed 1 fetched: 0 new entries."
    assert len(server.requests) > before


def test_removing_a_feed_unsubscribes(
    admin: Browser, runtime: Runtime, server: LocalServer
) -> None:
    add(admin, server.url("/feed.xml"))
    response = admin.post("/admin/feeds/1/remove", "/admin/feeds")
    assert response.status_code == 303 and runtime.news.feeds() == []


def test_acting_on_a_feed_that_is_gone_says_so(admin: Browser) -> None:
    response = admin.post("/admin/feeds/7/pause", "/admin/feeds")
    assert response.status_code == 400 and shown(response) == "there is no feed with id 7"


def test_opml_exported_and_imported_again_gives_the_same_feeds(
    admin: Browser, runtime: Runtime, server: LocalServer
) -> None:
    add(admin, server.url("/feed.xml"))
    server.route("/other.xml", Reply(status=404))
    add(admin, server.url("/other.xml"))
    exported = admin.get("/admin/feeds/export.opml")
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    urls = [outline.xml_url for outline in parse_opml(exported.content)]
    assert urls == [server.url("/feed.xml"), server.url("/other.xml")]
    admin.post("/admin/feeds/1/remove", "/admin/feeds")
    admin.post("/admin/feeds/2/remove", "/admin/feeds")
    response = admin.upload("/admin/feeds/import", "/admin/feeds", "opml", exported.content)
    assert response.status_code == 200, response.text
    assert shown(response).startswith("2 feeds added, 0 skipped.")
    assert sorted(f.url for f in runtime.news.feeds()) == sorted(urls)


def test_importing_a_file_that_is_not_opml_is_refused(admin: Browser, runtime: Runtime) -> None:
    response = admin.upload("/admin/feeds/import", "/admin/feeds", "opml", b"not xml at all")
    assert response.status_code == 400 and "not a readable OPML file" in shown(response)
    assert runtime.news.feeds() == []


def test_an_upload_over_the_limit_is_refused_before_it_is_read(
    admin: Browser, runtime: Runtime
) -> None:
    big = b"<opml>" + b" " * (runtime.settings.fetch.opml_max_bytes + 1) + b"</opml>"
    response = admin.upload("/admin/feeds/import", "/admin/feeds", "opml", big)
    assert response.status_code == 413 and "opml_max_bytes" in shown(response)
