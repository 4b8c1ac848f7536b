"""The fetcher's POST (webhooks, ntfy): the same guard as GET, the body sent as given, and
no redirect followed."""

from __future__ import annotations

import pytest

from support.receiver import Answer, Receiver
from tickerwire.config import FetchSettings
from tickerwire.net.fetch import BlockedURL, Fetcher, HTTPStatusError

pytestmark = pytest.mark.anyio

ALLOW_LOOPBACK = FetchSettings(allow_hosts=["127.0.0.1"], deadline=2.0)


async def test_a_post_sends_its_body_and_headers_and_returns_the_answer() -> None:
    with Receiver() as receiver:
        async with Fetcher(ALLOW_LOOPBACK) as fetcher:
            response = await fetcher.post(
                receiver.url("/hook"),
                body=b'{"a":1}',
                headers={"Content-Type": "application/json"},
                max_bytes=1024,
            )
    assert (response.status, response.content) == (200, b"ok")
    (request,) = receiver.requests
    assert (request.path, request.body) == ("/hook", b'{"a":1}')
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("Tickerwire")


async def test_a_post_to_a_private_address_is_refused_before_connecting() -> None:
    with Receiver() as receiver:
        async with Fetcher(FetchSettings(allowed_ports=[receiver.port])) as fetcher:
            with pytest.raises(BlockedURL, match="not a public address"):
                await fetcher.post(receiver.url("/hook"), body=b"{}", max_bytes=1024)
    assert receiver.requests == []


async def test_a_redirect_answering_a_post_is_an_error_and_is_not_followed() -> None:
    moved = Answer(307, (("Location", "/elsewhere"),))
    with Receiver([moved]) as receiver:
        async with Fetcher(ALLOW_LOOPBACK) as fetcher:
            with pytest.raises(HTTPStatusError) as raised:
                await fetcher.post(receiver.url("/hook"), body=b"{}", max_bytes=1024)
    assert raised.value.status == 307
    assert [r.path for r in receiver.requests] == ["/hook"]
