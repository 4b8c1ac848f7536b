"""The news pipeline end to end against a local publisher: nothing lost, nothing twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace

import pytest

from support.http_server import ForbiddenListener, LocalServer, Reply
from support.newsroom import FED_STORY, OIL_STORY, Newsroom, Story, rss
from tickerwire.config import Settings
from tickerwire.runtime import Runtime

pytestmark = pytest.mark.anyio


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as server:
        yield server


@pytest.fixture
def newsroom(server: LocalServer) -> Newsroom:
    room = Newsroom(server)
    room.publish(FED_STORY, OIL_STORY)
    return room


@pytest.fixture
async def runtime(database_url: str) -> AsyncIterator[Runtime]:
    settings = Settings(
        database_url=database_url,
        poller_enabled=False,
        default_feeds=[],
        fetch={"allow_hosts": ["127.0.0.1"], "deadline": 3},
    )
    runtime = await Runtime.open(settings)
    yield runtime
    await runtime.close()


async def subscribe_and_refresh(runtime: Runtime, url: str) -> object:
    feed = runtime.news.add_feed(url, now=runtime.now())
    return await runtime.pipeline.refresh_feed(feed)


async def test_a_new_feed_stores_its_entries_and_full_articles(
    runtime: Runtime, newsroom: Newsroom, server: LocalServer
) -> None:
    result = await subscribe_and_refresh(runtime, server.url("/feed.xml"))
    assert result.status == "ok" and result.new_entries == 2  # type: ignore[attr-defined]
    titles = {a.title for a in runtime.news.latest_articles()}
    assert titles == {FED_STORY.title, OIL_STORY.title}


async def test_articles_keep_byline_publisher_lead_caption_and_credit(
    runtime: Runtime, newsroom: Newsroom, server: LocalServer
) -> None:
    await subscribe_and_refresh(runtime, server.url("/feed.xml"))
    (row,) = [a for a in runtime.news.latest_articles() if a.title == FED_STORY.title]
    article = runtime.news.article(row.id)
    assert article is not None
    assert article.extracted is True
    assert article.byline == FED_STORY.author
    assert article.site_name == "Example Wire"
    assert article.lead_image is not None
    assert article.lead_image.caption == FED_STORY.figure_caption
    assert article.lead_image.credit == FED_STORY.figure_credit
    assert any(f.credit == "Example Wire" for f in article.figures)
    assert "We are not in a hurry" in article.text
    assert "<nav" not in article.body_html and "About" not in article.text


async def test_articles_are_stored_tagged_with_what_they_name(
    runtime: Runtime, newsroom: Newsroom, server: LocalServer
) -> None:
    await subscribe_and_refresh(runtime, server.url("/feed.xml"))
    (row,) = [a for a in runtime.news.latest_articles() if a.title == OIL_STORY.title]
    tags = runtime.news.tags(row.id)
    assert [t.symbol for t in tags.instruments] == ["CL"]
    assert "crude-oil" in {e.slug for e in tags.entities}


async def test_refetching_an_unchanged_feed_is_conditional_and_adds_nothing(
    runtime: Runtime, newsroom: Newsroom, server: LocalServer
) -> None:
    feed = runtime.news.add_feed(server.url("/feed.xml"), now=runtime.now())
    await runtime.pipeline.refresh_feed(feed)
    again = await runtime.pipeline.refresh_feed(runtime.news.feed(feed.id))
    assert again.status == "not_modified"
    assert server.requests[-1].headers["if-none-match"] == '"v1"'
    assert runtime.news.entry_count(feed.id) == 2
    assert runtime.news.article_count() == 2


async def test_an_entry_back_under_a_new_guid_is_not_stored_twice(
    runtime: Runtime, newsroom: Newsroom, server: LocalServer
) -> None:
    feed = runtime.news.add_feed(server.url("/feed.xml"), now=runtime.now())
    await runtime.pipeline.refresh_feed(feed)
    newsroom.stories[0] = replace(FED_STORY, guid="churned-guid-123")
    newsroom.etag_counter += 1
    result = await runtime.pipeline.refresh_feed(runtime.news.feed(feed.id))
    assert result.new_entries == 0
    assert runtime.news.article_count() == 2


async def test_a_syndicated_copy_in_another_feed_joins_the_same_story(
    runtime: Runtime, newsroom: Newsroom, server: LocalServer
) -> None:
    await subscribe_and_refresh(runtime, server.url("/feed.xml"))
    copy = replace(FED_STORY, slug="wire-copy-fed", title=FED_STORY.title + " - Example Wire")
    aggregator = Newsroom(server, site="Aggregator Daily", feed_path="/aggregator.xml")
    aggregator.publish(copy)
    await subscribe_and_refresh(runtime, server.url("/aggregator.xml"))
    fed = [a for a in runtime.news.latest_articles(one_per_story=False) if "Fed" in a.title]
    assert len(fed) == 2
    assert fed[0].story_id == fed[1].story_id
    assert len([a for a in runtime.news.latest_articles() if "Fed" in a.title]) == 1


async def test_an_unreachable_article_keeps_the_feed_summary_and_says_so(
    runtime: Runtime, server: LocalServer
) -> None:
    server.route("/feed.xml", Reply(body=rss("Wire", server.base_url, [OIL_STORY])))
    server.route(f"/news/{OIL_STORY.slug}", Reply(status=503))
    await subscribe_and_refresh(runtime, server.url("/feed.xml"))
    (row,) = runtime.news.latest_articles()
    article = runtime.news.article(row.id)
    assert article is not None
    assert article.extracted is False
    assert "503" in (article.extraction_error or "")
    assert OIL_STORY.paragraphs[0][:40] in article.text


async def test_a_failing_feed_records_its_error_backs_off_and_recovers(
    runtime: Runtime, server: LocalServer, newsroom: Newsroom
) -> None:
    server.route("/flaky.xml", Reply(status=500))
    feed = runtime.news.add_feed(server.url("/flaky.xml"), now=runtime.now())
    failed = await runtime.pipeline.refresh_feed(feed)
    state = runtime.news.feed(feed.id)
    assert failed.status == "error" and "500" in (state.last_error or "")
    assert state.state == "error" and state.next_fetch_at > runtime.now()
    server.route("/flaky.xml", Reply(body=rss("Wire", server.base_url, [FED_STORY])))
    await runtime.pipeline.refresh_feed(runtime.news.feed(feed.id))
    recovered = runtime.news.feed(feed.id)
    assert recovered.state == "ok" and recovered.last_error is None


async def test_a_page_that_is_not_a_feed_is_a_clear_error_and_loses_nothing(
    runtime: Runtime, server: LocalServer, newsroom: Newsroom
) -> None:
    feed = runtime.news.add_feed(server.url("/feed.xml"), now=runtime.now())
    await runtime.pipeline.refresh_feed(feed)
    moved = b"<!doctype html><html><body><h1>Our feeds have moved</h1></body></html>"
    server.route("/feed.xml", Reply(body=moved, headers={"Content-Type": "text/html"}))
    result = await runtime.pipeline.refresh_feed(runtime.news.feed(feed.id))
    assert result.status == "error" and "HTML page" in (result.error or "")
    assert runtime.news.entry_count(feed.id) == 2
    assert runtime.news.feed(feed.id).last_error == result.error


async def test_a_feed_at_a_private_address_is_refused_without_connecting(
    database_url: str,
) -> None:
    settings = Settings(database_url=database_url, poller_enabled=False, default_feeds=[])
    runtime = await Runtime.open(settings)
    try:
        with ForbiddenListener("127.0.0.2", 8080) as listener:
            result = await subscribe_and_refresh(runtime, listener.url("/feed.xml"))
            assert result.status == "error"  # type: ignore[attr-defined]
            assert listener.connections == []
    finally:
        await runtime.close()


async def test_hostile_feed_content_is_stored_sanitized(
    runtime: Runtime, server: LocalServer
) -> None:
    hostile = Story(
        "hostile",
        "Markets calm <script>alert(1)</script>",
        ['Read <a href="javascript:alert(2)">this</a> <img src=x onerror="alert(3)">'],
    )
    server.route("/feed.xml", Reply(body=rss("Wire", server.base_url, [hostile])))
    server.route("/news/hostile", Reply(status=404))
    await subscribe_and_refresh(runtime, server.url("/feed.xml"))
    (row,) = runtime.news.latest_articles()
    article = runtime.news.article(row.id)
    assert article is not None
    stored = article.body_html + article.summary_html
    assert "javascript:" not in stored and "onerror" not in stored and "<script" not in stored


async def test_two_workers_cannot_refresh_the_same_feed_at_once(
    runtime: Runtime, server: LocalServer
) -> None:
    from datetime import timedelta

    feed = runtime.news.add_feed(server.url("/feed.xml"), now=runtime.now())
    assert runtime.news.claim_feed(feed.id, runtime.now(), timedelta(minutes=10))
    assert not runtime.news.claim_feed(feed.id, runtime.now(), timedelta(minutes=10))
    later = runtime.now() + timedelta(minutes=11)
    assert runtime.news.claim_feed(feed.id, later, timedelta(minutes=10))  # the lease expired


async def test_an_interrupted_refresh_gives_its_feed_back_at_once(
    runtime: Runtime, server: LocalServer
) -> None:
    from datetime import timedelta

    from support.http_server import drip

    server.route("/feed.xml", Reply(body=lambda: drip(b" ", every=0.05)))
    feed = runtime.news.add_feed(server.url("/feed.xml"), now=runtime.now())
    task = asyncio.create_task(runtime.pipeline.refresh_many([feed]))
    for _ in range(100):  # until the refresh holds the lease and waits on the slow server
        if not runtime.news.due_feeds(runtime.now()):
            break
        await asyncio.sleep(0.02)
    assert not runtime.news.claim_feed(feed.id, runtime.now(), timedelta(minutes=10))
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert runtime.news.claim_feed(feed.id, runtime.now(), timedelta(minutes=10))


async def test_an_article_link_to_a_private_address_is_never_fetched(
    runtime: Runtime, server: LocalServer
) -> None:
    with ForbiddenListener("127.0.0.2", server.port) as listener:
        inward = Story("inward", "Quiet session for bonds", ["Yields were flat all day long."])
        feed = rss("Wire", server.base_url, [inward], link_base=f"http://127.0.0.2:{server.port}")
        server.route("/feed.xml", Reply(body=feed))
        await subscribe_and_refresh(runtime, server.url("/feed.xml"))
        assert listener.connections == []
    (row,) = runtime.news.latest_articles()
    article = runtime.news.article(row.id)
    assert article is not None and article.extracted is False
    assert "Yields were flat" in article.text
