"""The fetcher against a real hostile server on 127.0.0.1 (SECURITY.md, bug classes A and B).

The guard is on in every test, with only 127.0.0.1 allowed; a forbidden listener waits on
127.0.0.2 at the hostile server's port, so anything that slipped past the guard would be
recorded there.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
import tracemalloc

import anyio
import pytest

from support.hostile import CHAIN_LENGTH, ETAG, LAST_MODIFIED, SECRET_BODY
from support.http_server import ForbiddenListener, LocalServer, RecordedRequest, Reply, drip
from support.resolver import ScriptedResolver
from tickerwire.config import FetchSettings
from tickerwire.net.fetch import (
    BlockedURL,
    ConnectError,
    Fetcher,
    FetchError,
    HTTPStatusError,
    Timeout,
    TooLarge,
    TooManyRedirects,
)
from tickerwire.net.response import RETRY_AFTER_MAX, RETRY_AFTER_MIN

pytestmark = pytest.mark.anyio

KiB = 1024
MiB = 1024 * KiB


# Transport: bodies, redirects, statuses


async def test_a_body_comes_back_with_status_url_and_headers(
    fetcher: Fetcher, server: LocalServer
) -> None:
    response = await fetcher.get(server.url("/ok"), max_bytes=KiB)
    assert (response.status, response.url) == (200, server.url("/ok"))
    assert response.text() == "héllo"
    assert response.headers["content-type"].startswith("text/plain")


async def test_cache_control_max_age_is_exposed(fetcher: Fetcher, server: LocalServer) -> None:
    response = await fetcher.get(server.url("/ok"), max_bytes=KiB)
    assert response.max_age == 300


async def test_requests_carry_the_configured_user_agent(
    fetcher: Fetcher, server: LocalServer, settings: FetchSettings
) -> None:
    await fetcher.get(server.url("/echo"), max_bytes=KiB)
    assert server.requests[-1].headers["user-agent"] == settings.user_agent


async def test_params_are_added_to_the_query(fetcher: Fetcher, server: LocalServer) -> None:
    await fetcher.get(server.url("/echo?a=1"), max_bytes=KiB, params={"b": "2 3"})
    assert server.requests[-1].path == "/echo?a=1&b=2+3"


async def test_redirects_are_followed_to_the_final_url(
    fetcher: Fetcher, server: LocalServer
) -> None:
    response = await fetcher.get(server.url("/redirect/ok"), max_bytes=KiB)
    assert response.url == server.url("/ok")
    assert server.paths() == ["/redirect/ok", "/ok"]


async def test_as_many_redirects_as_allowed_are_followed(
    server: LocalServer, forbidden: ForbiddenListener
) -> None:
    settings = FetchSettings(allow_hosts=["127.0.0.1"], max_redirects=CHAIN_LENGTH)
    async with Fetcher(settings) as fetcher:
        response = await fetcher.get(server.url(f"/chain/{CHAIN_LENGTH}"), max_bytes=KiB)
    assert response.url == server.url("/chain/0")


async def test_one_redirect_more_than_allowed_fails(
    server: LocalServer, forbidden: ForbiddenListener
) -> None:
    settings = FetchSettings(allow_hosts=["127.0.0.1"], max_redirects=CHAIN_LENGTH - 1)
    async with Fetcher(settings) as fetcher:
        with pytest.raises(TooManyRedirects, match="more than"):
            await fetcher.get(server.url(f"/chain/{CHAIN_LENGTH}"), max_bytes=KiB)
    assert "/chain/0" not in server.paths()


async def test_a_redirect_loop_is_reported_as_a_loop(fetcher: Fetcher, server: LocalServer) -> None:
    with pytest.raises(TooManyRedirects, match="loop"):
        await fetcher.get(server.url("/loop/a"), max_bytes=KiB)
    assert server.paths() == ["/loop/a", "/loop/b"]


async def test_credentials_are_not_forwarded_to_another_origin(
    fetcher: Fetcher, server: LocalServer, resolver: ScriptedResolver
) -> None:
    resolver.answer("other.test", ["127.0.0.1"])
    server.route("/away", Reply(302, headers={"Location": f"http://other.test:{server.port}/echo"}))
    await fetcher.get(server.url("/away"), max_bytes=KiB, headers={"Authorization": "Bearer k"})
    first, second = server.requests
    assert first.headers["authorization"] == "Bearer k"
    assert "authorization" not in second.headers


async def test_a_redirect_without_a_location_is_an_error(
    fetcher: Fetcher, server: LocalServer
) -> None:
    server.route("/nowhere", Reply(302))
    with pytest.raises(FetchError, match="without a Location"):
        await fetcher.get(server.url("/nowhere"), max_bytes=KiB)


async def test_cookies_set_by_one_response_are_never_sent_again(
    fetcher: Fetcher, server: LocalServer
) -> None:
    await fetcher.get(server.url("/set-cookie"), max_bytes=KiB)
    await fetcher.get(server.url("/echo"), max_bytes=KiB)
    assert "cookie" not in server.requests[-1].headers


async def test_an_error_status_raises_without_echoing_the_body(
    fetcher: Fetcher, server: LocalServer
) -> None:
    with pytest.raises(HTTPStatusError) as caught:
        await fetcher.get(server.url("/secret-404"), max_bytes=KiB)
    assert (caught.value.status, caught.value.retry_after) == (404, None)
    assert caught.value.url == server.url("/secret-404")
    assert SECRET_BODY.decode() not in str(caught.value)


async def test_429_carries_retry_after_given_in_seconds(
    fetcher: Fetcher, server: LocalServer
) -> None:
    with pytest.raises(HTTPStatusError) as caught:
        await fetcher.get(server.url("/429-seconds"), max_bytes=KiB)
    assert (caught.value.status, caught.value.retry_after) == (429, 120)


async def test_503_carries_retry_after_given_as_a_date(
    fetcher: Fetcher, server: LocalServer
) -> None:
    with pytest.raises(HTTPStatusError) as caught:
        await fetcher.get(server.url("/503-date"), max_bytes=KiB)
    assert caught.value.status == 503
    assert caught.value.retry_after is not None
    # Two hours ahead, give or take the second the date header rounds to and test latency.
    assert 2 * 3600 - 60 < caught.value.retry_after <= 2 * 3600
    assert RETRY_AFTER_MIN <= caught.value.retry_after <= RETRY_AFTER_MAX


# Conditional GET


async def test_a_fresh_response_carries_its_validators(
    fetcher: Fetcher, server: LocalServer
) -> None:
    response = await fetcher.get(server.url("/etag"), max_bytes=KiB)
    assert (response.etag, response.last_modified) == (ETAG, LAST_MODIFIED)
    assert not response.not_modified


async def test_a_matching_etag_gives_not_modified_with_no_content(
    fetcher: Fetcher, server: LocalServer
) -> None:
    response = await fetcher.get(server.url("/etag"), max_bytes=KiB, etag=ETAG)
    assert server.requests[-1].headers["if-none-match"] == ETAG
    assert (response.status, response.not_modified, response.content) == (304, True, b"")
    assert response.etag == ETAG


async def test_a_matching_last_modified_gives_not_modified(
    fetcher: Fetcher, server: LocalServer
) -> None:
    response = await fetcher.get(server.url("/etag"), max_bytes=KiB, last_modified=LAST_MODIFIED)
    assert response.not_modified
    assert response.last_modified == LAST_MODIFIED


async def test_a_304_without_validators_keeps_the_ones_sent(
    fetcher: Fetcher, server: LocalServer
) -> None:
    server.route("/bare-304", Reply(304))
    response = await fetcher.get(server.url("/bare-304"), max_bytes=KiB, etag='"old"')
    assert (response.not_modified, response.etag) == (True, '"old"')


# Size and time


async def test_a_gzip_bomb_stops_at_the_cap(fetcher: Fetcher, server: LocalServer) -> None:
    with pytest.raises(TooLarge, match="cap"):
        await fetcher.get(server.url("/gzip-bomb"), max_bytes=MiB)


async def test_a_gzip_bomb_is_never_inflated_past_the_cap_in_memory(
    fetcher: Fetcher, server: LocalServer
) -> None:
    # Inflating each 64 KiB network read in full would allocate ~64 MiB at once.
    tracemalloc.start()
    try:
        with pytest.raises(TooLarge):
            await fetcher.get(server.url("/gzip-bomb"), max_bytes=MiB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * MiB


async def test_a_gzip_body_within_the_cap_is_decompressed(
    fetcher: Fetcher, server: LocalServer
) -> None:
    body = b"quote " * 1000
    server.route("/gz", Reply(200, gzip.compress(body), {"Content-Encoding": "gzip"}))
    response = await fetcher.get(server.url("/gz"), max_bytes=len(body))
    assert response.content == body


async def test_an_encoding_we_did_not_ask_for_is_refused(
    fetcher: Fetcher, server: LocalServer
) -> None:
    server.route("/br", Reply(200, b"\x8b\x02\x80", {"Content-Encoding": "br"}))
    with pytest.raises(FetchError, match="'br'"):
        await fetcher.get(server.url("/br"), max_bytes=KiB)
    assert server.requests[-1].headers["accept-encoding"] == "gzip, deflate"


async def test_an_endless_body_stops_at_the_cap(fetcher: Fetcher, server: LocalServer) -> None:
    with pytest.raises(TooLarge):
        await fetcher.get(server.url("/endless"), max_bytes=MiB)


async def test_a_dripping_server_is_cut_off_by_the_deadline(
    server: LocalServer, forbidden: ForbiddenListener
) -> None:
    # Each byte arrives well within the read timeout; only the deadline can stop this.
    settings = FetchSettings(allow_hosts=["127.0.0.1"], deadline=0.3, read_timeout=1.0)
    async with Fetcher(settings) as fetcher:
        with pytest.raises(Timeout, match="deadline"):
            await fetcher.get(server.url("/drip"), max_bytes=MiB)


async def test_the_deadline_covers_the_whole_redirect_chain(
    server: LocalServer, forbidden: ForbiddenListener
) -> None:
    # Every hop answers well within the deadline; together they do not.
    def slow_redirect(request: RecordedRequest) -> Reply:
        time.sleep(0.1)
        return Reply(302, headers={"Location": f"/slow?hop={len(server.requests)}"})

    server.route("/slow", slow_redirect)
    settings = FetchSettings(allow_hosts=["127.0.0.1"], deadline=0.3, max_redirects=10)
    async with Fetcher(settings) as fetcher:
        with pytest.raises(Timeout, match="deadline"):
            await fetcher.get(server.url("/slow"), max_bytes=KiB)
    assert 1 < len(server.requests) < 10


async def test_a_silent_server_is_cut_off_by_the_read_timeout(
    fetcher: Fetcher, server: LocalServer
) -> None:
    server.route("/silent", Reply(200, lambda: drip(b"late", every=2.0, times=1)))
    with pytest.raises(Timeout, match="reading"):
        await fetcher.get(server.url("/silent"), max_bytes=KiB)


async def test_a_content_length_beyond_the_cap_is_refused_before_reading(
    fetcher: Fetcher, server: LocalServer
) -> None:
    with pytest.raises(TooLarge, match="announced"):
        await fetcher.get(server.url("/lying-length/huge"), max_bytes=MiB)


async def test_a_content_length_shorter_than_the_body_bounds_what_is_read(
    fetcher: Fetcher, server: LocalServer
) -> None:
    response = await fetcher.get(server.url("/lying-length/short"), max_bytes=KiB)
    assert response.content == b"y" * 10


async def test_a_body_shorter_than_its_content_length_is_an_error(
    fetcher: Fetcher, server: LocalServer
) -> None:
    with pytest.raises(FetchError, match="broke"):
        await fetcher.get(server.url("/lying-length/long"), max_bytes=KiB)


# Address guard (SSRF)


async def test_a_private_address_in_the_url_is_blocked_without_connecting(
    fetcher: Fetcher, forbidden: ForbiddenListener
) -> None:
    with pytest.raises(BlockedURL, match="loopback"):
        await fetcher.get(forbidden.url("/"), max_bytes=KiB)
    assert forbidden.connections == []


async def test_a_redirect_to_a_private_address_is_blocked_without_connecting(
    fetcher: Fetcher, server: LocalServer, forbidden: ForbiddenListener
) -> None:
    with pytest.raises(BlockedURL) as caught:
        await fetcher.get(server.url("/redirect/inward"), max_bytes=KiB)
    assert caught.value.url == forbidden.url("/")
    assert forbidden.connections == []


@pytest.mark.parametrize("path", ["/redirect/file", "/redirect/gopher"])
async def test_a_redirect_to_another_scheme_is_blocked(
    fetcher: Fetcher, server: LocalServer, path: str
) -> None:
    with pytest.raises(BlockedURL, match="scheme"):
        await fetcher.get(server.url(path), max_bytes=KiB)
    assert server.paths() == [path]


@pytest.mark.parametrize(
    "answer",
    [
        "127.0.0.2",
        "::ffff:127.0.0.2",  # IPv4-mapped: a dual-stack socket would reach 127.0.0.2
        "64:ff9b::7f00:2",  # NAT64
        "2002:7f00:2::1",  # 6to4
        "169.254.169.254",
        "10.0.0.1",
    ],
)
async def test_a_name_resolving_to_a_private_address_is_blocked(
    fetcher: Fetcher,
    server: LocalServer,
    resolver: ScriptedResolver,
    forbidden: ForbiddenListener,
    answer: str,
) -> None:
    resolver.answer("inward.test", [answer])
    with pytest.raises(BlockedURL, match="not a public address"):
        await fetcher.get(f"http://inward.test:{server.port}/ok", max_bytes=KiB)
    assert forbidden.connections == []


async def test_the_address_checked_is_the_address_connected(
    fetcher: Fetcher,
    server: LocalServer,
    resolver: ScriptedResolver,
    forbidden: ForbiddenListener,
) -> None:
    # DNS rebinding: the first answer passes the guard, any later one points inward.
    resolver.answer("rebind.test", ["127.0.0.1"], ["127.0.0.2"])
    response = await fetcher.get(f"http://rebind.test:{server.port}/ok", max_bytes=KiB)
    assert response.text() == "héllo"
    assert resolver.calls == ["rebind.test"]
    assert forbidden.connections == []


async def test_every_new_connection_is_vetted_again(
    fetcher: Fetcher,
    server: LocalServer,
    resolver: ScriptedResolver,
    forbidden: ForbiddenListener,
) -> None:
    resolver.answer("rebind.test", ["127.0.0.1"], ["127.0.0.2"])
    await fetcher.get(f"http://rebind.test:{server.port}/close", max_bytes=KiB)
    with pytest.raises(BlockedURL):
        await fetcher.get(f"http://rebind.test:{server.port}/ok", max_bytes=KiB)
    assert forbidden.connections == []


async def test_a_public_name_on_a_non_standard_port_is_blocked(
    fetcher: Fetcher, resolver: ScriptedResolver
) -> None:
    resolver.answer("public.test", ["93.184.216.34"])
    with pytest.raises(BlockedURL, match="port 8080"):
        await fetcher.get("http://public.test:8080/", max_bytes=KiB)


async def test_localhost_is_blocked_through_the_system_resolver(
    server: LocalServer, forbidden: ForbiddenListener
) -> None:
    async with Fetcher(FetchSettings()) as fetcher:
        with pytest.raises(BlockedURL, match="loopback"):
            await fetcher.get(f"http://localhost:{server.port}/ok", max_bytes=KiB)
    assert server.requests == []


async def test_the_allowlist_is_what_lets_the_local_server_through(
    server: LocalServer, forbidden: ForbiddenListener
) -> None:
    async with Fetcher(FetchSettings()) as fetcher:
        with pytest.raises(BlockedURL):
            await fetcher.get(server.url("/ok"), max_bytes=KiB)
    assert server.requests == []


def test_the_forbidden_listener_records_whoever_reaches_it(
    forbidden: ForbiddenListener,
) -> None:
    # Proof that the SSRF tests above would notice a connection that got through.
    with socket.create_connection((forbidden.host, forbidden.port), timeout=1) as sock:
        sock.recv(1)
    assert len(forbidden.connections) == 1


# Failures to connect and bad input


async def test_an_address_that_refuses_falls_through_to_the_next_vetted_one(
    server: LocalServer, resolver: ScriptedResolver, forbidden: ForbiddenListener
) -> None:
    resolver.answer("two.test", ["127.0.0.3", "127.0.0.1"])  # nothing listens on .3
    settings = FetchSettings(allow_hosts=["127.0.0.1", "127.0.0.3"])
    async with Fetcher(settings, resolver=resolver) as fetcher:
        response = await fetcher.get(f"http://two.test:{server.port}/ok", max_bytes=KiB)
    assert response.status == 200


async def test_a_name_that_does_not_resolve_is_a_connect_error(fetcher: Fetcher) -> None:
    with pytest.raises(ConnectError, match="cannot resolve"):
        await fetcher.get("http://nowhere.test/", max_bytes=KiB)


async def test_a_refused_connection_is_a_connect_error(fetcher: Fetcher) -> None:
    with socket.create_server(("127.0.0.1", 0)) as unused:
        port = unused.getsockname()[1]
    with pytest.raises(ConnectError):
        await fetcher.get(f"http://127.0.0.1:{port}/", max_bytes=KiB)


@pytest.mark.parametrize(
    "url", ["http://[::1/", "http://example.com:abc/", "http://example.com:99999/"]
)
async def test_an_invalid_url_is_a_fetch_error(fetcher: Fetcher, url: str) -> None:
    with pytest.raises(FetchError, match="not a valid URL"):
        await fetcher.get(url, max_bytes=KiB)


async def test_a_url_without_a_host_is_blocked(fetcher: Fetcher) -> None:
    with pytest.raises(BlockedURL, match="no host"):
        await fetcher.get("http:///path", max_bytes=KiB)


# Concurrency


async def test_no_more_than_the_per_host_limit_is_in_flight_at_once(
    fetcher: Fetcher, server: LocalServer, settings: FetchSettings
) -> None:
    lock = threading.Lock()
    in_flight = [0]
    most = [0]

    def held(request: RecordedRequest) -> Reply:
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(0.1)
        with lock:
            in_flight[0] -= 1
        return Reply(200, b"done")

    server.route("/held", held)
    async with anyio.create_task_group() as group:
        for _ in range(settings.per_host_concurrency * 2 + 1):
            group.start_soon(lambda: fetcher.get(server.url("/held"), max_bytes=KiB))
    assert most[0] == settings.per_host_concurrency
    assert fetcher.limiter.in_use() == 0
