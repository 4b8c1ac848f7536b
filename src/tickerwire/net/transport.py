"""The httpx transport that enforces the address policy where it cannot be bypassed: connect.

httpx hands each new connection's host name to an httpcore network backend. Ours resolves
the name with a pluggable resolver, vets every answer against :class:`AddressPolicy`, and
opens the socket to the vetted IP itself. The original name still travels in the Host
header and as the TLS server name, so virtual hosting and certificate checks are unchanged.
Pooled keep-alive connections were vetted when opened; every new one is vetted again.

The transport also turns httpcore's exceptions into :mod:`tickerwire.net.errors`, so the
rest of the fetcher speaks one vocabulary.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import anyio
import httpcore
import httpx

from tickerwire.net.errors import BlockedURL, ConnectError, FetchError, Timeout
from tickerwire.net.guard import AddressPolicy, Refused, parse_ip

Resolver = Callable[[str, int], Awaitable[list[str]]]
"""Host and port in, IP address strings out; raises OSError when the name does not resolve."""


async def system_resolver(host: str, port: int) -> list[str]:
    """The operating system's resolver, answers in its order of preference, duplicates gone."""
    answers = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(sockaddr[0]) for *_, sockaddr in answers))


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """A network backend that only ever connects to addresses the policy has vetted."""

    def __init__(
        self,
        policy: AddressPolicy,
        resolver: Resolver,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._policy = policy
        self._resolver = resolver
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's signature)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        await self._policy.refresh()
        answers = [host] if parse_ip(host) is not None else await self._resolve(host, port)
        addresses = self._policy.vet(host, port, answers)
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        assert failure is not None  # vet() never returns an empty list
        raise failure

    async def _resolve(self, host: str, port: int) -> list[str]:
        try:
            return await self._resolver(host, port)
        except OSError as error:
            raise httpcore.ConnectError(f"cannot resolve {host}: {error}") from error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's signature)
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise Refused("unix sockets are never reached by the fetcher")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


@contextmanager
def translated(url: str) -> Iterator[None]:
    """Re-raise httpcore's exceptions and policy refusals as the fetcher's own errors."""
    try:
        yield
    except Refused as error:
        raise BlockedURL(f"{url}: {error}", url=url) from error
    except httpcore.TimeoutException as error:
        raise Timeout(f"{url}: {_timeout_kind(error)} timed out", url=url) from error
    except httpcore.ConnectError as error:
        raise ConnectError(f"{url}: cannot connect ({error or 'refused'})", url=url) from error
    except httpcore.NetworkError as error:
        raise ConnectError(f"{url}: the connection broke ({error})", url=url) from error
    except httpcore.ProtocolError as error:
        raise FetchError(f"{url}: the server broke HTTP ({error})", url=url) from error
    except httpcore.UnsupportedProtocol as error:
        raise BlockedURL(f"{url}: unsupported protocol", url=url) from error


def _timeout_kind(error: httpcore.TimeoutException) -> str:
    kinds = {
        httpcore.ConnectTimeout: "connecting",
        httpcore.ReadTimeout: "reading",
        httpcore.WriteTimeout: "writing",
        httpcore.PoolTimeout: "waiting for a connection",
    }
    return kinds.get(type(error), "the request")


class _TranslatedStream(httpx.AsyncByteStream):
    def __init__(self, stream: Any, url: str) -> None:
        self._stream = stream
        self._url = url

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with translated(self._url):
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        with translated(self._url):
            await self._stream.aclose()


class GuardedTransport(httpx.AsyncBaseTransport):
    """httpx's default transport, minus proxies and Unix sockets, over :class:`GuardedBackend`."""

    def __init__(self, policy: AddressPolicy, resolver: Resolver) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=30.0,
            http1=True,
            http2=False,
            network_backend=GuardedBackend(policy, resolver),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with translated(url):
            response = await self._pool.handle_async_request(core_request)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_TranslatedStream(response.stream, url),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()
