"""The local world a network bench runs in: a publisher in its own process, a fresh store.

:class:`LocalSite` serves in-memory documents from a child process (uvicorn on a tiny ASGI
app), so the server's work never shares the bench process's interpreter lock or event loop
with the code being timed; a threaded server in the same process (tests/support/
http_server.py) would. The sockets are bound here, before the child starts, on one port at
several loopback addresses (127.0.0.1, 127.0.0.2, ...): each address is a host of its own to
the fetcher's per-host limit, as different publishers would be, and no port can be taken
between choosing it and listening on it.

A path may have several versions; the site serves version ``min(generation, last)``, and
:meth:`LocalSite.set_generation` moves every path at once. So "half the feeds changed"
is a second version on half the paths. Every version has an ETag (a hash of its bytes) and
a Last-Modified; a request whose If-None-Match (or, without one, If-Modified-Since) matches
gets ``304 Not Modified``. Bodies are sent uncompressed: the bench measures our side.

:func:`fresh_database` gives a store nobody else uses: a SQLite file in a temporary folder,
or a new PostgreSQL schema on the test server, dropped afterwards. :func:`bench_settings`
and :func:`isolate_environment` make the runtime a fresh install's, allowed to fetch from
the site; :func:`cpu_seconds` counts the CPU of the bench and its worker processes, and
:func:`load_average` is printed beside every figure.

Run as a script, this file is the child: ``python localsite.py SPEC_FILE FD...``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import pickle
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import httpx

if TYPE_CHECKING:
    from tickerwire.config import Settings
    from tickerwire.runtime import Runtime

POSTGRES_URL = os.environ.get(
    "TICKERWIRE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
CONTROL = "/_site/"
DEFAULT_MODIFIED = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Document:
    """One version of what a path answers."""

    body: bytes
    content_type: str
    modified: datetime = DEFAULT_MODIFIED


Routes = Mapping[str, Sequence[Document]]


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as printed beside every figure."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def load_1m() -> float:
    return os.getloadavg()[0]


def cpu_seconds(*, exclude: Sequence[int] = ()) -> float:
    """User + system CPU seconds of this process (all its threads) and of every process
    descended from it, living or already reaped, leaving out the trees rooted at
    ``exclude`` (the site's server: its work is not ours).

    Worker processes start from a fork server, so they are grandchildren: a living one is
    read from /proc, a finished one is in its parent's reaped-children times. A wall-clock
    ratio on a shared machine moves with the load; the CPU ratio much less."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + reaped.ru_utime + reaped.ru_stime
    tree = _process_tree()
    skip = set(exclude)
    pending = [p for p in tree.get(os.getpid(), []) if p not in skip]
    while pending:
        pid = pending.pop()
        total += _proc_cpu(pid)
        pending += [p for p in tree.get(pid, []) if p not in skip]
    return total


def _process_tree() -> dict[int, list[int]]:
    """Children of each process, from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rpartition(")")[2].split()[1])
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def _proc_cpu(pid: int) -> float:
    """utime + stime + cutime + cstime of a living process, in seconds (0 once gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    ticks = sum(int(value) for value in fields[11:15])  # fields 14-17 of proc(5)
    return ticks / os.sysconf("SC_CLK_TCK")


class LocalSite:
    """Sockets on one port at every address of ``hosts``, bound at once (so URLs can be
    written before anything is served); :meth:`start` serves ``routes`` until closed."""

    def __init__(self, *, hosts: Sequence[str] = ("127.0.0.1",)) -> None:
        self.hosts = list(hosts)
        self._sockets = _bind_all(self.hosts)
        self.port = int(self._sockets[0].getsockname()[1])
        self._folder = tempfile.TemporaryDirectory(prefix="tickerwire-site-")
        self._child: subprocess.Popen[str] | None = None
        self._control: httpx.Client | None = None

    def start(self, routes: Routes) -> None:
        spec = Path(self._folder.name) / "site.pickle"
        spec.write_bytes(pickle.dumps(dict(routes), protocol=pickle.HIGHEST_PROTOCOL))
        fds = [s.fileno() for s in self._sockets]
        self._child = subprocess.Popen(
            [sys.executable, __file__, str(spec), *map(str, fds)],
            pass_fds=fds,
            stdin=subprocess.PIPE,  # never written: its end-of-file says the bench is gone
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._child.stdout is not None
        ready = self._child.stdout.readline().strip()
        if ready != "ready":
            raise RuntimeError(f"the local site did not start (said {ready!r})")
        spec.unlink()
        self._control = httpx.Client(base_url=self.origin(0), trust_env=False, timeout=30)

    @property
    def pid(self) -> int:
        """The server process's id, for :func:`cpu_seconds` to leave out."""
        return self._child.pid if self._child is not None else -1

    def origin(self, host: int) -> str:
        """``http://ADDRESS:PORT`` of the ``host``-th address (wrapping around)."""
        return f"http://{self.hosts[host % len(self.hosts)]}:{self.port}"

    @property
    def control(self) -> httpx.Client:
        if self._control is None:
            raise RuntimeError("the site has not been started")
        return self._control

    def set_generation(self, generation: int) -> None:
        self.control.post(f"{CONTROL}generation", content=str(generation)).raise_for_status()

    def stats(self) -> dict[str, int]:
        """Requests answered since the last :meth:`reset_stats`: ``requests``,
        ``not_modified`` (304s) and ``not_found`` (404s); control requests not counted."""
        response = self.control.get(f"{CONTROL}stats")
        response.raise_for_status()
        return dict(response.json())

    def reset_stats(self) -> None:
        self.control.post(f"{CONTROL}reset").raise_for_status()

    def close(self) -> None:
        if self._control is not None:
            self._control.close()
        if self._child is not None:
            if self._child.stdin is not None:
                self._child.stdin.close()
            self._child.terminate()
            try:
                self._child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._child.kill()
                self._child.wait()
        for sock in self._sockets:
            sock.close()
        self._folder.cleanup()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def loopback_hosts(count: int) -> list[str]:
    """``count`` loopback addresses, 127.0.0.1 first; Linux routes all of 127/8 to lo."""
    if not 1 <= count <= 250:
        raise ValueError("between 1 and 250 hosts")
    return [f"127.0.0.{n}" for n in range(1, count + 1)]


def _bind_all(hosts: Sequence[str], attempts: int = 50) -> list[socket.socket]:
    """Listening sockets on one port at every address of ``hosts``."""
    for _ in range(attempts):
        first = socket.create_server((hosts[0], 0), backlog=1024)
        port = first.getsockname()[1]
        bound = [first]
        try:
            bound += [socket.create_server((host, port), backlog=1024) for host in hosts[1:]]
        except OSError:
            for sock in bound:
                sock.close()
            continue
        for sock in bound:
            sock.set_inheritable(True)
        return bound
    raise RuntimeError(f"no port free on all of {', '.join(hosts)}")


@contextmanager
def fresh_database(postgres_url: str | None) -> Iterator[str]:
    """A database URL for one run: a new SQLite file, or a new schema on ``postgres_url``
    (named ``bench_<hex>`` so it never meets the test suite's ``t_<hex>`` ones), dropped
    afterwards."""
    if postgres_url is None:
        with tempfile.TemporaryDirectory(prefix="tickerwire-bench-") as folder:
            yield f"sqlite:///{folder}/bench.sqlite3"
        return
    import sqlalchemy as sa

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_url)
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in postgres_url else "?"
        yield f"{postgres_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def isolate_environment(folder: Path) -> None:
    """Read no developer's settings: drop ``TICKERWIRE_*`` variables (the test server's
    URL excepted) and point ``TICKERWIRE_CONFIG`` at an empty file in ``folder``, so a
    personal tickerwire.toml (another per-host limit, say) cannot change the figures."""
    for name in list(os.environ):
        if name.startswith("TICKERWIRE_") and name != "TICKERWIRE_TEST_POSTGRES_URL":
            del os.environ[name]
    empty = folder / "empty.toml"
    empty.write_text("")
    os.environ["TICKERWIRE_CONFIG"] = str(empty)


def bench_settings(
    database_url: str, data_dir: Path, *, processes: int | None = None, media: bool = False
) -> Settings:
    """The defaults a fresh install runs with, except: the loopback addresses may be
    fetched (the local site), no pollers, no default feeds, and the image cache off unless
    ``media`` (article images live on third-party hosts, unreachable offline)."""
    from tickerwire.config import Settings, WorkerSettings

    workers = WorkerSettings() if processes is None else WorkerSettings(processes=processes)
    return Settings(
        database_url=database_url,
        data_dir=data_dir,
        poller_enabled=False,
        default_feeds=[],
        fetch={"allow_hosts": ["127.0.0.0/8"]},
        workers=workers,
        media={"enabled": media},
    )


async def warm_workers(runtime: Runtime) -> None:
    """Start the worker pool before the clock does: a long-running portal pays its
    start (a fork server importing the parsers) once, not per refresh."""
    page = b"<html><body><article><p>Warming up the worker pool.</p></article></body></html>"

    async def one() -> None:
        await runtime.pipeline.workers.read_page(page, url="http://127.0.0.1/")

    await asyncio.gather(*(one() for _ in range(runtime.settings.workers.processes * 2)))


def postgres_problem(url: str) -> str | None:
    """None when the server at ``url`` answers; else its first line of complaint."""
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
        engine.dispose()
    except sa.exc.OperationalError as error:
        return str(error).splitlines()[0]
    return None


# The child process ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    status_headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes
    modified: datetime
    not_modified_headers: list[tuple[bytes, bytes]]


def _prepare(document: Document) -> _Prepared:
    etag = b'"' + hashlib.sha1(document.body).hexdigest()[:20].encode() + b'"'
    modified = document.modified.replace(microsecond=0)
    stamp = format_datetime(modified, usegmt=True).encode()
    validators = [(b"etag", etag), (b"last-modified", stamp)]
    return _Prepared(
        status_headers=[
            (b"content-type", document.content_type.encode()),
            (b"content-length", str(len(document.body)).encode()),
            *validators,
        ],
        body=document.body,
        etag=etag,
        modified=modified,
        not_modified_headers=validators,
    )


class _Site:
    """The ASGI app: every answer prepared before the first request."""

    def __init__(self, routes: Routes) -> None:
        self.routes = {path: [_prepare(d) for d in versions] for path, versions in routes.items()}
        self.generation = 0
        self.counts = {"requests": 0, "not_modified": 0, "not_found": 0}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if path.startswith(CONTROL):
            await self._control(path.removeprefix(CONTROL), receive, send)
            return
        self.counts["requests"] += 1
        versions = self.routes.get(path)
        if versions is None:
            self.counts["not_found"] += 1
            await _reply(send, 404, [(b"content-type", b"text/plain")], b"not found")
            return
        answer = versions[min(self.generation, len(versions) - 1)]
        if _fresh(answer, scope["headers"]):
            self.counts["not_modified"] += 1
            await _reply(send, 304, answer.not_modified_headers, b"")
            return
        await _reply(send, 200, answer.status_headers, answer.body)

    async def _control(self, command: str, receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if command == "generation":
            self.generation = int(body)
        elif command == "reset":
            self.counts = dict.fromkeys(self.counts, 0)
        elif command == "stats":
            payload = json.dumps(self.counts).encode()
            await _reply(send, 200, [(b"content-type", b"application/json")], payload)
            return
        else:
            await _reply(send, 404, [], b"")
            return
        await _reply(send, 204, [], b"")


def _fresh(answer: _Prepared, headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether the client's copy is current (RFC 9110 13.2.2: If-None-Match wins)."""
    none_match = since = None
    for name, value in headers:
        if name == b"if-none-match":
            none_match = value
        elif name == b"if-modified-since":
            since = value
    if none_match is not None:
        tags = [tag.strip().removeprefix(b"W/") for tag in none_match.split(b",")]
        return b"*" in tags or answer.etag in tags
    if since is not None:
        try:
            return answer.modified <= parsedate_to_datetime(since.decode("latin-1"))
        except (TypeError, ValueError):
            return False
    return False


async def _reply(send: Any, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _serve(spec: Path, fds: list[int]) -> None:
    import uvicorn

    routes = pickle.loads(spec.read_bytes())
    sockets = [socket.socket(fileno=fd) for fd in fds]
    config = uvicorn.Config(
        _Site(routes),
        lifespan="off",
        log_level="warning",
        access_log=False,
        server_header=False,
        date_header=False,
        backlog=1024,
        timeout_keep_alive=60,
    )
    server = uvicorn.Server(config)

    def exit_with_the_bench() -> None:
        """A bench killed before it could stop the site must not leave the site behind."""
        sys.stdin.read()
        server.should_exit = True

    threading.Thread(target=exit_with_the_bench, daemon=True).start()
    print("ready", flush=True)
    asyncio.run(server.serve(sockets=sockets))


if __name__ == "__main__":
    _serve(Path(sys.argv[1]), [int(fd) for fd in sys.argv[2:]])
