"""Secrets in URLs never reach an error text: not the fetcher's errors, not the feed's stored
last error, not the feeds page, its JSON twin, the log or the terminal (issue 8, class 9)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from support.http_server import ForbiddenListener, LocalServer
from tickerwire.config import Settings
from tickerwire.net.errors import BlockedURL, FetchError, HTTPStatusError
from tickerwire.net.fetch import Fetcher
from tickerwire.net.redact import redact, redact_url
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app

pytestmark = pytest.mark.anyio

SECRETS = ("hunter2", "s3cr3t", "k-123", "sig-456", "tok-789")


@pytest.mark.parametrize(
    ("url", "redacted"),
    [
        ("https://user:hunter2@example.com/feed", "https://***@example.com/feed"),
        ("https://tok-789@example.com/feed", "https://***@example.com/feed"),
        ("https://example.com/f?token=tok-789&page=2", "https://example.com/f?token=***&page=2"),
        ("https://example.com/f?KEY=k-123", "https://example.com/f?KEY=***"),
        ("https://example.com/f?api_key=k-123;x=1", "https://example.com/f?api_key=***;x=1"),
        ("https://example.com/f?apikey=k-123", "https://example.com/f?apikey=***"),
        ("https://example.com/f?access_token=tok-789", "https://example.com/f?access_token=***"),
        ("https://example.com/f?signature=sig-456", "https://example.com/f?signature=***"),
        ("https://example.com/f?password=hunter2", "https://example.com/f?password=***"),
        (
            "https://example.com/f?X-Amz-Signature=sig-456",
            "https://example.com/f?X-Amz-Signature=***",
        ),
        ("https://example.com/f?client_secret=s3cr3t", "https://example.com/f?client_secret=***"),
        ("https://example.com/f?api%5Fkey=k-123", "https://example.com/f?api%5Fkey=***"),
        ("https://example.com/cb#access_token=tok-789", "https://example.com/cb#access_token=***"),
        (
            "https://a:hunter2@example.com:99999/x?key=k-123",
            "https://***@example.com:99999/x?key=***",
        ),
    ],
)
def test_credentials_and_secret_parameters_are_masked(url: str, redacted: str) -> None:
    assert redact_url(url) == redacted


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/feed.xml?page=2&sort=new",
        "https://example.com/monkey/keyboard?tokens=3",
        "https://example.com/user@home",
        "https://example.com/f?key",
    ],
)
def test_urls_without_secrets_are_left_alone(url: str) -> None:
    assert redact_url(url) == url


def test_every_url_in_a_text_is_redacted_and_the_words_around_it_kept() -> None:
    text = "HTTP 404 from 'https://u:hunter2@a.example/x?token=tok-789' after http://b.example/"
    assert redact(text) == (
        "HTTP 404 from 'https://***@a.example/x?token=***' after http://b.example/"
    )


def test_a_fetch_error_redacts_its_message_and_its_url() -> None:
    error = FetchError("https://u:hunter2@a.example/x failed", url="https://u:hunter2@a.example/x")
    assert "hunter2" not in str(error) and "hunter2" not in error.url


async def test_a_refused_url_with_credentials_is_reported_without_them(
    fetcher: Fetcher, forbidden: ForbiddenListener
) -> None:
    url = forbidden.url("/feed?token=tok-789").replace("http://", "http://user:hunter2@")
    with pytest.raises(BlockedURL) as refused:
        await fetcher.get(url, max_bytes=1024)
    assert "not a public address" in str(refused.value)
    assert not any(secret in str(refused.value) + refused.value.url for secret in SECRETS)
    assert "http://***@127.0.0.2" in str(refused.value) and "token=***" in str(refused.value)


async def test_an_http_error_from_a_url_with_a_key_is_reported_without_it(
    fetcher: Fetcher, server: LocalServer
) -> None:
    with pytest.raises(HTTPStatusError) as failed:
        await fetcher.get(server.url("/status/404"), max_bytes=1024, params={"api_key": "k-123"})
    assert "k-123" not in str(failed.value) and "api_key=***" in str(failed.value)


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


async def test_a_failed_feeds_stored_error_page_api_and_log_never_show_its_secrets(
    runtime: Runtime, server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    url = server.url("/status/404?api_key=k-123").replace("http://", "http://u:hunter2@")
    feed = runtime.news.add_feed(url, now=runtime.now())
    with caplog.at_level(logging.INFO, logger="tickerwire"):
        result = await runtime.pipeline.refresh_feed(feed)
    (stored,) = runtime.news.feeds()
    app = create_app(runtime.settings, runtime=runtime)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://portal") as client,
    ):
        page = (await client.get("/feeds")).text
        twin = (await client.get("/feeds.json")).text
    assert result.error is not None and "HTTP 404" in result.error
    assert stored.last_error is not None and "api_key=***" in stored.last_error
    for shown in (result.error, stored.last_error, page, twin, caplog.text):
        assert not any(secret in shown for secret in ("k-123", "hunter2" + "@")), shown
