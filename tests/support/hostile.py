"""The hostile server of SECURITY.md: one route per way a server can hurt a fetcher.

``hostile_server()`` returns a :class:`LocalServer` (start it with ``with``) with these
paths. "Inward" means the same port at ``inward_host`` (127.0.0.2), where a test puts a
:class:`ForbiddenListener`, so a fetcher that follows it would be caught there:

- ``/ok``: 200, a short UTF-8 text, Cache-Control max-age=300
- ``/echo``: 200, empty; look at ``server.requests`` for what was sent
- ``/close``: 200, then hangs up (so the next request needs a new connection)
- ``/set-cookie``: 200 with a Set-Cookie header
- ``/gzip-bomb``: 64 MiB of zeros as a ~64 KiB gzip body (GZIP_BOMB_SIZE)
- ``/endless``: a body that never ends; ``/drip``: one byte every 50 ms, for minutes
- ``/loop/a`` <-> ``/loop/b``: a redirect loop; ``/chain/N``: N redirects, then 200
- ``/redirect/ok``: a relative redirect to /ok; ``/redirect/inward``: to the inward address
- ``/redirect/file``, ``/redirect/gopher``: redirects to other schemes
- ``/429-seconds``: 429 with Retry-After: 120
- ``/503-date``: 503 with Retry-After as an HTTP-date two hours ahead
- ``/etag``: 200 with ETag "v1" and a Last-Modified, or 304 when either validator matches
- ``/lying-length/short``: says 10 bytes, sends 100; ``/lying-length/long``: says 1000,
  sends 10 and hangs up; ``/lying-length/huge``: says 10 GiB, sends 10
- ``/secret-404``: 404 whose body must never show up in an error message (SECRET_BODY)
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import cache

from support.http_server import LocalServer, RecordedRequest, Reply, drip, endless

GZIP_BOMB_SIZE = 64 * 1024 * 1024
ETAG = '"v1"'
LAST_MODIFIED = "Tue, 24 Nov 2026 12:00:00 GMT"
SECRET_BODY = b"SECRET-BODY-do-not-echo"
CHAIN_LENGTH = 10


@cache
def gzip_bomb() -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    parts = [packer.compress(zeros) for _ in range(GZIP_BOMB_SIZE // len(zeros))]
    return b"".join(parts) + packer.flush()


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status, headers={"Location": location})


def _conditional(request: RecordedRequest) -> Reply:
    validators = {"ETag": ETAG, "Last-Modified": LAST_MODIFIED}
    if (
        request.headers.get("if-none-match") == ETAG
        or request.headers.get("if-modified-since") == LAST_MODIFIED
    ):
        return Reply(304, headers=validators)
    return Reply(200, b"fresh", {"Content-Type": "text/plain", **validators})


def _retry_at_date(request: RecordedRequest) -> Reply:
    when = datetime.now(UTC) + timedelta(hours=2)
    return Reply(503, b"busy", {"Retry-After": format_datetime(when, usegmt=True)})


def hostile_server(inward_host: str = "127.0.0.2") -> LocalServer:
    server = LocalServer()
    inward_url = f"http://{inward_host}:{server.port}/"
    text = {"Content-Type": "text/plain; charset=utf-8"}
    routes = {
        "/ok": Reply(200, "héllo".encode(), {**text, "Cache-Control": "public, max-age=300"}),
        "/echo": Reply(200),
        "/close": Reply(200, b"bye", close=True),
        "/set-cookie": Reply(200, headers={"Set-Cookie": "session=tracked; Path=/"}),
        "/gzip-bomb": Reply(200, gzip_bomb(), {"Content-Encoding": "gzip"}),
        "/endless": Reply(200, endless),
        "/drip": Reply(200, lambda: drip(b"x", every=0.05)),
        "/loop/a": redirect("/loop/b"),
        "/loop/b": redirect("/loop/a"),
        "/redirect/ok": redirect("/ok", 301),
        "/redirect/inward": redirect(inward_url),
        "/redirect/file": redirect("file:///etc/passwd"),
        "/redirect/gopher": redirect(f"gopher://127.0.0.1:{server.port}/"),
        "/429-seconds": Reply(429, b"slow down", {"Retry-After": "120"}),
        "/503-date": _retry_at_date,
        "/etag": _conditional,
        "/lying-length/short": Reply(200, b"y" * 100, {"Content-Length": "10"}, close=True),
        "/lying-length/long": Reply(200, b"y" * 10, {"Content-Length": "1000"}, close=True),
        "/lying-length/huge": Reply(200, b"y" * 10, {"Content-Length": str(10 << 30)}, close=True),
        "/secret-404": Reply(404, SECRET_BODY, text),
    }
    for hop in range(CHAIN_LENGTH + 1):
        routes[f"/chain/{hop}"] = redirect(f"/chain/{hop - 1}") if hop else Reply(200, b"end")
    for path, route in routes.items():
        server.route(path, route)
    return server
