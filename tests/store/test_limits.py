"""Giant fields never cost a feed its good items: a multi-megabyte title, a 1 MB GUID, an
8 KB link and a huge summary are stored (keys by hash, text cut to the documented limits)
on SQLite and PostgreSQL alike, beside the ordinary items of the same feed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from support.feedkit import (
    HTML_HEADERS,
    LONG_PARAGRAPHS,
    RSS_HEADERS,
    Item,
    MovableClock,
    article_page,
    portal,
    rss,
)
from support.http_server import LocalServer, Reply
from tickerwire.news.sanitize import sanitize_html
from tickerwire.runtime import Runtime
from tickerwire.store.limits import (
    SUMMARY_MAX_CHARS,
    TEXT_MAX_CHARS,
    TITLE_MAX_CHARS,
    cut,
    cut_html,
)
from tickerwire.store.news import EntryRecord, NewsStore
from tickerwire.store.search import SearchQuery, SearchStore

GIANT_TITLE = "Copper " * 500_000  # 3.5 MB
GIANT_GUID = "g" * 1_000_000
LONG_QUERY = "?ref=" + "q" * 8_000
GIANT_SUMMARY = "Copper rose again. " * 150_000  # 2.8 MB of text


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as server:
        for slug in ("long", "plain"):
            page = article_page(f"The {slug} one", LONG_PARAGRAPHS)
            server.route(f"/news/{slug}", Reply(body=page, headers=HTML_HEADERS))
        long_link = server.url(f"/news/long{LONG_QUERY}")
        items = [
            Item(GIANT_TITLE, "A title too long for any index.", guid="giant-title"),
            Item("A GUID of a megabyte", "Its key is hashed.", guid=GIANT_GUID),
            Item("An 8 KB link", "Followed whole.", guid="long", link=long_link),
            Item("A huge summary", GIANT_SUMMARY, guid="huge-summary"),
            Item("The plain one", "Nothing odd.", guid="plain", link=server.url("/news/plain")),
        ]  # fmt: skip
        server.route("/feed.xml", Reply(body=rss(items), headers=RSS_HEADERS))
        yield server


@pytest.fixture
async def refreshed(database_url: str, server: LocalServer) -> AsyncIterator[Runtime]:
    async with portal(database_url, MovableClock()) as (runtime, _):
        feed = runtime.news.add_feed(server.url("/feed.xml"), now=runtime.now())
        await runtime.pipeline.refresh_feed(feed)
        yield runtime


def by_title(runtime: Runtime) -> dict[str, int]:
    return {a.title: a.id for a in runtime.news.latest_articles(limit=50, one_per_story=False)}


@pytest.mark.anyio
async def test_a_feed_with_giant_fields_keeps_every_item(refreshed: Runtime) -> None:
    (feed,) = refreshed.news.feeds()
    assert feed.state == "ok" and feed.unstored_items == 0
    assert refreshed.news.entry_count(feed.id) == 5
    assert refreshed.news.article_count() == 5


@pytest.mark.anyio
async def test_a_giant_title_is_cut_to_the_title_limit(refreshed: Runtime) -> None:
    (title,) = [t for t in by_title(refreshed) if t.startswith("Copper Copper")]
    assert len(title) == TITLE_MAX_CHARS and title.endswith("…")


@pytest.mark.anyio
async def test_a_huge_summary_is_cut_to_the_summary_and_text_limits(refreshed: Runtime) -> None:
    article = refreshed.news.article(by_title(refreshed)["A huge summary"])
    assert article is not None
    assert len(article.summary_html) <= SUMMARY_MAX_CHARS
    assert len(article.text) <= TEXT_MAX_CHARS
    assert article.summary_html == sanitize_html(article.summary_html)  # no tag left open


@pytest.mark.anyio
async def test_an_8kb_link_is_fetched_and_kept_whole(
    refreshed: Runtime, server: LocalServer
) -> None:
    article = refreshed.news.article(by_title(refreshed)["The long one"])
    assert article is not None and article.extracted is True
    assert article.url == server.url(f"/news/long{LONG_QUERY}")


@pytest.mark.anyio
async def test_items_with_giant_keys_are_not_stored_again_on_the_next_fetch(
    refreshed: Runtime,
) -> None:
    (feed,) = refreshed.news.feeds()
    result = await refreshed.pipeline.refresh_feed(feed)
    assert result.new_entries == 0
    assert refreshed.news.entry_count(feed.id) == 5 and refreshed.news.article_count() == 5


@pytest.mark.anyio
async def test_an_article_with_a_giant_summary_is_found_by_search(refreshed: Runtime) -> None:
    search = SearchStore(refreshed.news.engine)
    result = search.search(SearchQuery("huge summary"), now=refreshed.now())
    assert [hit.article_id for hit in result.hits] == [by_title(refreshed)["A huge summary"]]


def test_a_giant_feed_url_is_subscribed_and_found_again(engine: sa.Engine) -> None:
    store = NewsStore(engine)
    url = "https://harbour.example/feed.xml?" + "k=v&" * 4_000
    now = datetime(2026, 11, 20, tzinfo=UTC)
    feed = store.add_feed(url, now=now)
    assert store.feed_by_url(url) == feed


def test_an_entry_the_database_refuses_costs_no_other_entry(engine: sa.Engine) -> None:
    store = NewsStore(engine)
    now = datetime(2026, 11, 20, tzinfo=UTC)
    feed = store.add_feed("https://harbour.example/feed.xml", now=now)

    def record(guid: str, published: datetime) -> EntryRecord:
        return EntryRecord(f"guid:{guid}", guid, None, guid, "", published, None, [], None)

    naive = datetime(2026, 11, 20)  # the store refuses naive times
    entries = [record("before", now), record("refused", naive), record("after", now)]
    new = store.record_success(feed.id, entries, now=now, next_fetch_at=now, etag=None,
                               last_modified=None)  # fmt: skip
    assert new == 2
    assert store.known_entries(feed.id, ["guid:before", "guid:refused", "guid:after"]).keys() == {
        "guid:before",
        "guid:after",
    }
    assert store.feed(feed.id).unstored_items == 1


def test_cut_text_ends_with_an_ellipsis_within_the_limit() -> None:
    assert cut("abcdef", 4) == "abc…" and cut("abc", 4) == "abc"


def test_cut_text_loses_nul_and_lone_surrogates() -> None:
    assert cut("Cop\x00per\ud800", 100) == "Copper"


def test_cut_html_never_leaves_a_tag_open() -> None:
    html = "<p>" + "<b>bold</b> plain " * 1000 + '<a href="https://harbour.example/">end</a></p>'
    fitted = cut_html(html, 5_000)
    assert len(fitted) <= 5_000
    assert fitted == sanitize_html(fitted)
    assert fitted.count("<b>") == fitted.count("</b>")
