"""Bot checks, consent walls, paywalls and login pages are recognised, never stored as the
article: the feed's summary stays, the article says why its full text is missing, and the
page is fetched again later."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from support.feedkit import (
    HTML_HEADERS,
    LONG_PARAGRAPHS,
    RSS_HEADERS,
    START,
    Item,
    MovableClock,
    article_page,
    portal,
    rss,
)
from support.http_server import LocalServer, Reply
from tickerwire.news.extract.interstitial import (
    BOT_CHECK,
    CONSENT_WALL,
    LOGIN,
    MAX_RETRIES,
    PAYWALL,
    RETRY_FIRST,
    RETRY_MAX,
    interstitial_reason,
    next_retry,
    refusal_reason,
)
from tickerwire.runtime import Runtime


def page(body: str, *, title: str = "Harbour Wire", head: str = "") -> str:
    return (
        f"<!doctype html><html><head><title>{title}</title>{head}</head><body>{body}</body></html>"
    )


ARTICLE = " ".join(LONG_PARAGRAPHS * 12)  # about 480 words: an article, not a wall

INTERSTITIALS = {
    "cloudflare just a moment": (
        page("<p>Checking your browser before accessing the site.</p>", title="Just a moment..."),
        BOT_CHECK,
    ),
    "cloudflare challenge script": (
        page("<script>window._cf_chl_opt={cvId:'3'};</script><noscript>Enable JS</noscript>"),
        BOT_CHECK,
    ),
    "verify you are human": (
        page("<h1>harbour.example</h1><p>Verify you are human by completing the action.</p>"),
        BOT_CHECK,
    ),
    "datadome captcha": (
        page('<iframe src="https://geo.captcha-delivery.com/captcha/?k=1"></iframe>'),
        BOT_CHECK,
    ),
    "consent in english": (
        page("<p>We use cookies and similar tools.</p><button>Accept all cookies</button>"),
        CONSENT_WALL,
    ),
    "consent in german": (
        page("<p>Wir verwenden Cookies.</p><button>Alle akzeptieren</button>"),
        CONSENT_WALL,
    ),
    "consent in french": (
        page("<p>Nous utilisons des cookies.</p><button>Tout accepter</button>"),
        CONSENT_WALL,
    ),
    "consent in spanish": (page("<p>Utilizamos cookies propias.</p>"), CONSENT_WALL),
    "consent in italian": (page("<p>Utilizziamo i cookie.</p>"), CONSENT_WALL),
    "consent in dutch": (page("<p>Wij gebruiken cookies.</p>"), CONSENT_WALL),
    "consent manager markup": (
        page('<div id="onetrust-banner-sdk"><p>Your choices matter.</p></div>'),
        CONSENT_WALL,
    ),
    "consent host form": (
        page(
            '<form method="post" action="https://consent.harbour.example/v2/collect">'
            "<button>OK</button></form>"
        ),
        CONSENT_WALL,
    ),
    "before you continue title": (
        page("<p>Reject all</p>", title="Before you continue"),
        CONSENT_WALL,
    ),
    "paywall": (
        page("<h1>Copper jumps</h1><p>Copper rose.</p><p>Subscribe to continue reading.</p>"),
        PAYWALL,
    ),
    "login form": (
        page('<form><input name="user"><input type="password" name="pw"></form>'),
        LOGIN,
    ),
}


@pytest.mark.parametrize("case", INTERSTITIALS)
def test_an_interstitial_page_is_recognised(case: str) -> None:
    html, kind = INTERSTITIALS[case]
    assert interstitial_reason(html.encode()) == kind


def test_an_article_with_a_cookie_banner_is_an_article() -> None:
    html = page(
        '<div id="onetrust-banner-sdk">We use cookies. Accept all cookies</div>'
        f"<article><p>{ARTICLE}</p></article>"
    )
    assert interstitial_reason(html.encode(), ARTICLE) is None


def test_a_long_article_about_bot_checks_is_an_article() -> None:
    text = f"Sites ask readers to verify you are human more often now. {ARTICLE}"
    assert interstitial_reason(page(f"<p>{text}</p>").encode(), text) is None


def test_a_headline_that_begins_like_a_consent_wall_is_an_article() -> None:
    html = page(f"<p>{ARTICLE}</p>", title="Before you continue: five charts on copper")
    assert interstitial_reason(html.encode()) is None


def test_the_extracted_text_decides_over_the_page_around_it() -> None:
    """A short brief on a page whose banner says "we use cookies": the extractor left the
    banner out, so the brief is an article."""
    html = page("<div class='banner'>We use cookies.</div><p>Copper rose.</p>" + "<p>x</p>" * 5)
    assert interstitial_reason(html.encode(), "Copper rose. " + ARTICLE) is None


@pytest.mark.parametrize(("status", "kind"), [(401, LOGIN), (403, BOT_CHECK), (429, BOT_CHECK)])
def test_refusing_statuses_read_as_walls(status: int, kind: str) -> None:
    assert refusal_reason(status) == kind


def test_other_error_statuses_are_no_wall() -> None:
    assert refusal_reason(404) is None and refusal_reason(500) is None


def test_retries_double_from_an_hour_up_to_a_day_then_stop() -> None:
    delays = [next_retry(n, START) for n in range(MAX_RETRIES + 1)]
    assert delays[0] == START + RETRY_FIRST
    assert delays[1] == START + 2 * RETRY_FIRST
    assert delays[MAX_RETRIES - 1] == START + RETRY_MAX
    assert delays[MAX_RETRIES] is None


# Through the pipeline, onto the page ------------------------------------------------------

pytest_anyio = pytest.mark.anyio
SUMMARY = "Copper rose for a fourth day on a strike in Chile."
CONSENT_PAGE = page(
    "<p>Wir verwenden Cookies und ähnliche Technologien.</p><button>Alle akzeptieren</button>"
).encode()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as server:
        link = server.url("/news/copper")
        feed = rss([Item("Copper jumps", SUMMARY, guid="c-1", link=link)])
        server.route("/feed.xml", Reply(body=feed, headers=RSS_HEADERS))
        server.route("/news/copper", Reply(body=CONSENT_PAGE, headers=HTML_HEADERS))
        yield server


async def only_article(runtime: Runtime, server: LocalServer) -> int:
    feed = runtime.news.add_feed(server.url("/feed.xml"), now=runtime.now())
    await runtime.pipeline.refresh_feed(feed)
    (row,) = runtime.news.latest_articles()
    return row.id


@pytest_anyio
async def test_a_consent_wall_keeps_the_feed_summary_and_says_why(
    database_url: str, server: LocalServer
) -> None:
    async with portal(database_url, MovableClock()) as (runtime, client):
        article = runtime.news.article(await only_article(runtime, server))
        assert article is not None and article.extracted is False
        assert article.extraction_error == "full text unavailable: the page was a consent wall"
        assert SUMMARY in article.text and "Cookies" not in article.text
        shown = (await client.get(f"/article/{article.id}")).text
        assert "full text unavailable: the page was a consent wall" in shown
        assert "Alle akzeptieren" not in shown


@pytest_anyio
async def test_a_page_answered_403_is_a_wall_and_the_feed_stays_healthy(
    database_url: str, server: LocalServer
) -> None:
    server.route("/news/copper", Reply(status=403, body=b"Forbidden"))
    async with portal(database_url, MovableClock()) as (runtime, _):
        article = runtime.news.article(await only_article(runtime, server))
        assert article is not None
        assert (
            article.extraction_error == "full text unavailable: the page was a bot check (HTTP 403)"
        )
        assert runtime.news.feeds()[0].state == "ok"


@pytest_anyio
async def test_an_interstitial_page_is_due_again_after_an_hour(
    database_url: str, server: LocalServer
) -> None:
    clock = MovableClock()
    async with portal(database_url, clock) as (runtime, _):
        article_id = await only_article(runtime, server)
        assert runtime.news.full_texts_due(START + RETRY_FIRST - timedelta(seconds=1)) == []
        (due,) = runtime.news.full_texts_due(START + RETRY_FIRST)
        assert due.article.id == article_id


@pytest_anyio
async def test_the_next_refresh_after_the_retry_time_stores_the_full_text(
    database_url: str, server: LocalServer
) -> None:
    clock = MovableClock()
    async with portal(database_url, clock) as (runtime, _):
        article_id = await only_article(runtime, server)
        page_now = article_page("Copper jumps on Chilean strike", LONG_PARAGRAPHS)
        server.route("/news/copper", Reply(body=page_now, headers=HTML_HEADERS))
        clock.advance(hours=1)
        await runtime.pipeline.refresh_due()
        article = runtime.news.article(article_id)
        assert article is not None and article.extracted is True
        assert "underestimated how long the stoppage" in article.text
        assert article.first_seen_at == START
        assert runtime.news.full_texts_due(clock.now + timedelta(days=30)) == []


@pytest_anyio
async def test_a_page_still_walled_is_tried_again_later_and_then_no_more(
    database_url: str, server: LocalServer
) -> None:
    clock = MovableClock()
    async with portal(database_url, clock) as (runtime, _):
        await only_article(runtime, server)
        tries = 0
        while due := runtime.news.full_texts_due(clock.now + timedelta(days=2)):
            clock.now = max(clock.now, due[0].article.fetched_at) + RETRY_MAX
            await runtime.pipeline.retry_full_texts()
            tries += 1
        assert tries == MAX_RETRIES
        assert server.paths().count("/news/copper") == MAX_RETRIES + 1
