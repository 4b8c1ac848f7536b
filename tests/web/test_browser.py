"""In a real browser (Debian's Chromium through Playwright): the banner and the ribbon."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from support.browser import CHROMIUM_ARGS, chromium_or_skip, screenshot_path, serving
from support.moments import FRIDAY_MORNING
from support.runtimes import opened_runtime, refresh_quotes, subscribe
from tickerwire.config import Settings
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium_path() -> str:
    return chromium_or_skip()


@pytest.fixture
def live_server(settings: Settings, runtime: Runtime) -> Iterator[str]:
    with serving(create_app(settings, runtime=runtime)) as base:
        yield base


@pytest.fixture
def browser_page(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 900})
        yield page
        browser.close()


def test_home_page_shows_banner_and_sixteen_ribbon_cells(
    live_server: str, browser_page: object, database_url: str
) -> None:
    from playwright.sync_api import Page, expect

    page: Page = browser_page  # type: ignore[assignment]
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server + "/")
    expect(page.locator("#market-banner")).to_contain_text("U.S. markets")
    cells = page.locator(".ribbon-cell")
    expect(cells).to_have_count(16)
    for index in range(16):
        expect(cells.nth(index).locator("[data-field=price]")).not_to_have_text("—")
        expect(cells.nth(index).locator("svg.sparkline")).to_be_visible()
    expect(page.locator(".simulated-notice")).to_be_visible()
    backend = database_url.split(":")[0].split("+")[0]
    page.screenshot(path=screenshot_path(f"home-{backend}"), full_page=True)
    assert errors == []


HOSTILE_PARAGRAPHS = [
    "Stocks drifted higher in quiet trade as investors waited for the jobs report due on "
    "Friday, with energy shares leading and utilities lagging behind the wider market.",
    'Analysts said <img src="http://evil.test/pixel.gif" onerror="window.__pwned=1"> the '
    'move was modest <script>window.__pwned = 2; alert("owned")</script> and '
    '<a href="javascript:window.__pwned=3">largely technical</a>, with volumes light.',
    '<iframe srcdoc="<script>parent.__pwned=4</script>"></iframe><form action="http://evil.test">'
    '<input name="q"></form>Bond markets were closed for a holiday in Tokyo.',
]


@pytest.fixture
def news_runtime(settings: Settings) -> Iterator[Runtime]:
    from support.http_server import LocalServer
    from support.newsroom import FED_STORY, Newsroom, Story

    news_settings = settings.model_copy(
        update={
            "default_feeds": [],
            "fetch": settings.fetch.model_copy(
                update={"allow_hosts": ["127.0.0.1"], "deadline": 3}
            ),
        }
    )
    hostile = Story("quiet-trade", "Stocks drift in quiet trade", HOSTILE_PARAGRAPHS, raw_html=True)
    with LocalServer() as server:
        Newsroom(server).publish(FED_STORY, hostile)
        with opened_runtime(
            news_settings,
            subscribe(server.url("/feed.xml")),
            refresh_quotes,
            clock=lambda: FRIDAY_MORNING,
        ) as runtime:
            yield runtime


def test_article_page_shows_caption_credit_more_from_and_runs_no_content_script(
    news_runtime: Runtime, settings: Settings, browser_page: object, database_url: str
) -> None:
    from playwright.sync_api import Page, expect

    page: Page = browser_page  # type: ignore[assignment]
    with serving(create_app(settings, runtime=news_runtime)) as base:
        dialogs: list[str] = []
        outbound: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("request", lambda request: outbound.append(request.url))
        article = next(
            a for a in news_runtime.news.latest_articles() if a.title.startswith("Stocks")
        )
        page.goto(f"{base}/article/{article.id}")
        expect(page.locator("h1.article-title")).to_have_text("Stocks drift in quiet trade")
        expect(page.locator(".lead-figure .credit")).to_have_text("Sam Ortega / Example Wire")
        expect(page.locator(".more-from h2")).to_have_text("More from Example Wire")
        more = page.locator(".more-from .headline-title")
        expect(more).to_have_count(1)
        more.first.click()
        expect(page.locator("h1.article-title")).to_contain_text("Fed holds rates")
        page.go_back()
        expect(page.locator(".article-body")).to_contain_text("largely technical")
        assert page.evaluate("window.__pwned") is None
        assert dialogs == []
        assert not [url for url in outbound if "evil.test" in url]
        backend = database_url.split(":")[0].split("+")[0]
        page.screenshot(path=screenshot_path(f"article-{backend}"), full_page=True)


def test_quote_page_ranges_search_and_tag_chip_to_quote(
    news_runtime: Runtime, settings: Settings, browser_page: object, database_url: str
) -> None:
    from playwright.sync_api import Page, expect

    page: Page = browser_page  # type: ignore[assignment]
    with serving(create_app(settings, runtime=news_runtime)) as base:
        page.goto(f"{base}/quote/SPX")
        expect(page.locator("h1.quote-name")).to_contain_text("S&P 500")
        expect(page.locator("#chart svg")).to_be_visible()
        for label in ("5D", "1M", "1Y"):
            page.get_by_role("link", name=label, exact=True).click()
            expect(page.locator(".chart-ranges a.active")).to_have_text(label)
            expect(page.locator("#chart svg")).to_be_visible()
        backend = database_url.split(":")[0].split("+")[0]
        page.screenshot(path=screenshot_path(f"quote-{backend}"), full_page=True)

        page.fill("#site-search-q", "inflation")
        page.press("#site-search-q", "Enter")
        result = page.locator(".search-results .headline-title").first
        expect(result).to_have_text("Fed holds rates steady as inflation cools")
        result.click()
        chip = page.locator(".chip.instrument", has_text="S&P 500")
        expect(chip).to_be_visible()
        chip.click()
        expect(page).to_have_url(f"{base}/quote/SPX")
        expect(page.locator(".quote-news .headline-title").first).to_have_text(
            "Fed holds rates steady as inflation cools"
        )


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The Redis a worker elsewhere would publish on; skipped (or failed in CI) without one."""
    import redis

    url = os.environ.get("TICKERWIRE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
        client.close()
    except redis.ConnectionError as error:
        if os.environ.get("TICKERWIRE_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis at {url} is not answering: {error}")
        pytest.skip(f"Redis at {url} is not answering: {error}")
    yield url


def publish_on_redis(url: str, data: dict[str, object]) -> None:
    """What a poller in another process does with a new quote."""
    import redis

    from tickerwire.live.bus import Event
    from tickerwire.live.redis_bus import CHANNEL

    with redis.Redis.from_url(url) as client:
        client.publish(CHANNEL, Event("quote", str(data["symbol"]), data).to_json())


def test_quotes_published_on_redis_update_the_open_page_live(
    database_url: str, redis_url: str, browser_page: object
) -> None:
    """The scale-out path: a worker elsewhere publishes on Redis, this web process pushes
    the event over SSE, and the page's script updates the cell."""
    from playwright.sync_api import Page, expect

    page: Page = browser_page  # type: ignore[assignment]
    settings = Settings(
        database_url=database_url, redis_url=redis_url, poller_enabled=False, default_feeds=[]
    )
    with serving(create_app(settings)) as base:
        page.goto(base + "/")
        cell = page.locator('.ribbon-cell[data-symbol="GC"]')
        expect(cell.locator("[data-field=price]")).to_have_text("—")
        page.wait_for_timeout(500)  # let the EventSource connect
        publish_on_redis(redis_url, {
            "symbol": "GC", "price": 2712.5, "change": 12.5, "change_percent": 0.463,
            "as_of": "2026-11-20T15:00:00+00:00", "provider": "test", "precision": 2,
            "simulated": False,
        })  # fmt: skip
        expect(cell.locator("[data-field=price]")).to_have_text("2,712.50")
        expect(cell.locator("[data-field=change]")).to_have_text("+12.50")
        expect(cell.locator("[data-field=percent]")).to_have_text("(+0.46%)")
        expect(cell.locator("[data-field=direction-label]")).to_have_text("up")
        expect(cell).to_have_class(re.compile(r"\bup\b"))


def test_a_live_quote_reads_in_the_portals_time_zone_not_the_browsers(
    database_url: str, redis_url: str, chromium_path: str
) -> None:
    """The portal is set to Tokyo and the reader's browser to Los Angeles: the ticked cell
    reads JST, as the server-rendered cells beside it do."""
    from playwright.sync_api import expect, sync_playwright

    from tickerwire import humanize

    settings = Settings(
        database_url=database_url, redis_url=redis_url, poller_enabled=False,
        default_feeds=[], timezone="Asia/Tokyo",
    )  # fmt: skip
    as_of = datetime.now(UTC).replace(second=0, microsecond=0)
    with (
        serving(create_app(settings)) as base,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        page = browser.new_page(timezone_id="America/Los_Angeles")
        page.goto(base + "/")
        time = page.locator('.ribbon-cell[data-symbol="SI"] [data-field=time]')
        expect(time).to_have_text("no data")
        page.wait_for_timeout(500)  # let the EventSource connect
        publish_on_redis(redis_url, {
            "symbol": "SI", "price": 31.25, "change": -0.5, "change_percent": -1.575,
            "as_of": as_of.isoformat(), "provider": "test", "precision": 3, "simulated": False,
        })  # fmt: skip
        expect(time).to_have_text(humanize.clock_time(as_of, "Asia/Tokyo", as_of))
        expect(time).to_have_text(re.compile(r"JST$"))
        expect(time).to_have_attribute("datetime", as_of.isoformat())
        browser.close()


def test_a_page_rendered_earlier_gets_the_current_market_banner_from_the_stream(
    live_server: str, browser_page: object
) -> None:
    """A page held in a cache (or a tab left open) says "opens in 2 h" long after; the
    stream's market event, sent on connect and once a minute, brings it up to date."""
    from playwright.sync_api import Page, Route, expect

    from tickerwire.web.parts import banner

    page: Page = browser_page  # type: ignore[assignment]
    earlier, current = banner(FRIDAY_MORNING - timedelta(hours=3)), banner(FRIDAY_MORNING)
    assert earlier.text != current.text

    def as_if_rendered_earlier(route: Route) -> None:
        response = route.fetch()
        body = response.text().replace(f">{current.text}<", f">{earlier.text}<")
        route.fulfill(response=response, body=body)

    page.route(live_server + "/", as_if_rendered_earlier)
    page.goto(live_server + "/")
    expect(page.locator("#market-banner")).to_have_text(current.text)
    expect(page.locator("#market-banner")).to_have_class(re.compile(rf"state-{current.state}"))


def test_api_docs_render_under_the_page_policy(tmp_path: Path, browser_page: object) -> None:
    from playwright.sync_api import ConsoleMessage, Page, expect

    page: Page = browser_page  # type: ignore[assignment]
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'docs.sqlite3'}", poller_enabled=False,
        default_feeds=[],
    )  # fmt: skip
    refused: list[str] = []

    def note_refusal(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", note_refusal)
    with serving(create_app(settings)) as base:
        page.goto(base + "/docs")
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("Tickerwire")
        expect(page.locator(".opblock-summary-path", has_text="/api/v1/quotes")).to_be_visible()
        page.screenshot(path=screenshot_path("docs"), full_page=False)
    assert refused == []
