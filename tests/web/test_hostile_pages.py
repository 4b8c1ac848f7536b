"""Pages built from hostile feeds and article pages: what the sanitizer removed never comes
back on the page (a property over hostile bodies, rendered from the store), and in
Chromium no hostile page navigates, opens a dialog or calls a host other than our own."""

from __future__ import annotations

import contextlib
import html
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser, LexborNode

from support import hostile
from support.browser import CHROMIUM_ARGS, chromium_or_skip, serving
from support.http_server import LocalServer
from support.moments import FRIDAY_MORNING
from support.runtimes import opened_runtime, subscribe
from tickerwire.config import Settings
from tickerwire.news.compose import article_body
from tickerwire.news.model import Figure
from tickerwire.news.sanitize import ATTRIBUTES, CLASSES, TAGS, html_to_text
from tickerwire.runtime import Runtime
from tickerwire.store.news import ArticleRecord
from tickerwire.web.app import create_app

HOSTILE_FEEDS = [
    "/hostile/escaped.xml",
    "/hostile/atom.xml",
    "/hostile/feed.json",
    "/hostile/trackers.xml",
    "/hostile/tracked-article.xml",
]
# Attributes the sanitizer itself sets, beside those it lets through.
SET_BY_POLICY = {"a": {"rel"}, "img": {"loading"}, "iframe": {"sandbox"}}
MARKUP = [
    hostile.META_REFRESH,
    hostile.SCRIPT,
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
    '<base href="http://evil.test/">',
    '<svg onload="alert(1)">',
    '<img src="https://pixel.wp.com/g.gif" width="1" height="1">',
    '<div style="position:fixed;inset:0">overlay</div>',
    "<form action='http://evil.test'><input name=pw></form>",
]
FRAGMENTS = st.sampled_from(
    [*MARKUP, *(html.escape(m) for m in MARKUP), "<p>", "</p>", "<h1>", "<table><td>", "x",
     " ", "&lt;", "&amp;lt;meta http-equiv=refresh&amp;gt;", "<![CDATA[", "<!--", "-->", "'",
     '"', ">", "<", "\x00", "\ud800"]
)  # fmt: skip
BODIES = st.lists(FRAGMENTS | st.text(max_size=4), max_size=25).map("".join)
WORDS = st.sampled_from([*MARKUP, "S&P 500 < 5,000 and AT&T <b>up</b>", "plain words"])
FIGURES = st.lists(
    st.builds(
        Figure,
        url=st.sampled_from(
            [
                "https://img.example/a.jpg?utm_source=x",
                "javascript:alert(1)",
                "https://pixel.wp.com/p.gif",
            ]
        ),
        caption=st.none() | WORDS,
        credit=st.none() | WORDS,
        alt=st.none() | WORDS,
    ),
    max_size=3,
)


def offline_settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        poller_enabled=False,
        default_feeds=[],
        fetch={"allow_hosts": ["127.0.0.1"], "deadline": 3},
    )


def record(number: int, body_html: str, figures: list[Figure]) -> ArticleRecord:
    """An article as the pipeline stores it: the body composed with its figures."""
    composed = article_body(body_html, figures, base_url="https://news.example/a")
    moment = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)
    return ArticleRecord(
        canonical_url=f"https://news.example/a/{number}", url=f"https://news.example/a/{number}",
        title=f"Hostile body {number}", title_key=f"hostile body {number}", byline=None,
        site_name=None, lang="en", published=moment, updated=None, lead_image=None,
        figures=figures, video=None, body_html=composed, text=html_to_text(composed),
        summary_html="", extracted=True, extraction_error=None, fingerprint=None,
        fetched_at=moment,
    )  # fmt: skip


def rendered_body(client: TestClient, runtime: Runtime, article: ArticleRecord) -> LexborNode:
    number = runtime.pipeline.store_article(article)
    node = LexborHTMLParser(client.get(f"/article/{number}").text).css_first(".article-body")
    assert node is not None
    return node


def assert_within_policy(body: LexborNode) -> None:
    nodes = body.traverse()
    next(nodes)  # the page's own <div class="article-body">
    for node in nodes:
        assert node.tag in TAGS, node.tag
        allowed = ATTRIBUTES.get(node.tag, set()) | SET_BY_POLICY.get(node.tag, set())
        for name, value in node.attributes.items():
            if name == "class":
                assert set((value or "").split()) <= CLASSES.get(node.tag, set())
            else:
                assert name in allowed, (node.tag, name)


@contextlib.contextmanager
def store_portal(tmp: str) -> Iterator[tuple[TestClient, Runtime]]:
    settings_ = offline_settings(f"sqlite:///{tmp}/hostile.sqlite3")
    with (
        opened_runtime(settings_, clock=lambda: FRIDAY_MORNING) as runtime,
        TestClient(create_app(settings_, runtime=runtime)) as client,
    ):
        yield client, runtime


def test_a_rendered_article_never_holds_an_element_the_sanitizer_would_remove(
    tmp_path: object,
) -> None:
    with store_portal(str(tmp_path)) as (client, runtime):
        numbers = iter(range(10**6))

        @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
        @given(BODIES, FIGURES)
        def check(body_html: str, figures: list[Figure]) -> None:
            assert_within_policy(
                rendered_body(client, runtime, record(next(numbers), body_html, figures))
            )

        check()


def test_escaped_markup_in_a_stored_body_is_rendered_as_the_same_text(tmp_path: object) -> None:
    with store_portal(str(tmp_path)) as (client, runtime):
        numbers = iter(range(10**6))

        @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
        @given(st.lists(WORDS, min_size=1, max_size=6), FIGURES)
        def check(texts: list[str], figures: list[Figure]) -> None:
            escaped = " ".join(html.escape(t) for t in texts)
            body = rendered_body(client, runtime, record(next(numbers), escaped, figures))
            assert_within_policy(body)
            shown = " ".join((body.text() or "").split())
            assert " ".join(" ".join(texts).split()) in shown

        check()


@pytest.fixture(scope="module")
def chromium_path() -> str:
    return chromium_or_skip()


@contextlib.contextmanager
def hostile_site(database_url: str) -> Iterator[tuple[str, Runtime]]:
    settings_ = offline_settings(database_url)
    with LocalServer() as server:
        hostile.publish_hostile(server)
        steps = [subscribe(server.url(path)) for path in HOSTILE_FEEDS]
        with (
            opened_runtime(settings_, *steps, clock=lambda: FRIDAY_MORNING) as runtime,
            serving(create_app(settings_, runtime=runtime)) as base,
        ):
            yield base, runtime


@pytest.mark.browser
def test_hostile_pages_navigate_nowhere_open_no_dialog_and_call_no_other_host(
    chromium_path: str, database_url: str
) -> None:
    from playwright.sync_api import sync_playwright

    with hostile_site(database_url) as (base, runtime), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        page = browser.new_page()
        dialogs: list[str] = []
        foreign: list[str] = []
        navigations: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on(
            "request",
            lambda request: (
                foreign.append(request.url)
                if urlsplit(request.url).hostname not in (None, "127.0.0.1", "localhost")
                else None
            ),
        )
        page.on(
            "framenavigated",
            lambda frame: navigations.append(frame.url) if frame == page.main_frame else None,
        )
        paths = ["/"] + [f"/article/{a.id}" for a in runtime.news.latest_articles(50)]
        assert len(paths) > len(HOSTILE_FEEDS)
        for path in paths:
            navigations.clear()
            page.goto(base + path, wait_until="load")
            page.mouse.move(200, 300)  # hover anything that might carry a handler
            page.wait_for_timeout(300)
            assert navigations == [base + path], path
            assert page.evaluate("() => window.__pwned === undefined"), path
        browser.close()
    assert dialogs == [] and foreign == []
