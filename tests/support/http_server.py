"""Real sockets for tests of network code: a local HTTP server and a forbidden listener.

``LocalServer`` is a threaded HTTP/1.1 server on 127.0.0.1 at an ephemeral port. Register
routes by path (query ignored) as a canned :class:`Reply` or as a function of the
:class:`RecordedRequest` returning one; unknown paths answer 404. Every request is recorded
in ``server.requests``. Replies are written byte for byte as given, so a test can lie:
a wrong Content-Length, a body that never ends, a body that drips::

    from support.http_server import LocalServer, Reply

    with LocalServer() as server:
        server.route("/feed.xml", Reply(body=b"<rss/>", headers={"Content-Type": "text/xml"}))
        server.route("/drip", Reply(body=lambda: drip(b"x", every=0.05)))
        url = server.url("/feed.xml")
        ...
        assert server.requests[0].headers["user-agent"].startswith("Tickerwire")

A body given as bytes gets a Content-Length (unless the reply sets one) and keeps the
connection alive; a body given as a function returning chunks is streamed without one and
the connection is closed after it. A client that hangs up mid-body ends the reply quietly.

``ForbiddenListener`` is a bare TCP socket (default 127.0.0.2) that accepts, records and
drops every connection: SSRF tests point the thing under test at it and assert that
``connections`` stays empty. Bind it on the LocalServer's port so "the same server, but at
a private address" would land on it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

Body = bytes | Callable[[], Iterable[bytes]]


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # as sent, with the query
    headers: dict[str, str]  # names lower-cased


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: Body = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    close: bool = False  # hang up after this reply even if the body had a length


Route = Reply | Callable[[RecordedRequest], Reply]


def drip(chunk: bytes, *, every: float, times: int = 10_000) -> Iterator[bytes]:
    """A body that sends ``chunk`` every ``every`` seconds: a server too slow to finish."""
    for _ in range(times):
        time.sleep(every)
        yield chunk


def endless(chunk: bytes = b"x" * 65536) -> Iterator[bytes]:
    """A body that never ends."""
    while True:
        yield chunk


class _QuietServer(ThreadingHTTPServer):
    """Clients under test hang up mid-request on purpose (caps, deadlines); that is not an
    error worth a traceback on the test output."""

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class LocalServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._httpd = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def route(self, path: str, route: Route) -> None:
        self.routes[path] = route

    def paths(self) -> list[str]:
        """The paths requested so far, without queries, in order."""
        return [urlsplit(request.path).path for request in self.requests]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _answer(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self.requests.append(request)
        route = self.routes.get(urlsplit(request.path).path)
        if route is None:
            return Reply(404, b"not found", {"Content-Type": "text/plain"})
        return route if isinstance(route, Reply) else route(request)


def _handler_for(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            request = RecordedRequest(
                self.command, self.path, {k.lower(): v for k, v in self.headers.items()}
            )
            reply = server._answer(request)
            try:
                self._write(reply)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def _write(self, reply: Reply) -> None:
            headers = dict(reply.headers)
            named = {name.lower() for name in headers}
            streamed = not isinstance(reply.body, bytes)
            if isinstance(reply.body, bytes) and "content-length" not in named:
                headers["Content-Length"] = str(len(reply.body))
            if (streamed or reply.close) and "connection" not in named:
                headers["Connection"] = "close"
            reason = _reason(reply.status)
            head = [f"HTTP/1.1 {reply.status} {reason}"]
            head += [f"{name}: {value}" for name, value in headers.items()]
            self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
            chunks = [reply.body] if isinstance(reply.body, bytes) else reply.body()
            for chunk in chunks:
                self.wfile.write(chunk)
                self.wfile.flush()
            self.close_connection = streamed or reply.close

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class ForbiddenListener:
    """A TCP socket that must never be reached; ``connections`` lists who reached it."""

    def __init__(self, host: str = "127.0.0.2", port: int = 0) -> None:
        self.connections: list[tuple[str, int]] = []
        self._socket = socket.create_server((host, port))
        self._socket.settimeout(0.05)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self.host = host
        self.port = int(self._socket.getsockname()[1])

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, peer = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(peer)
            connection.close()

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stopping.set()
        self._thread.join()
        self._socket.close()
