"""The servers the network benches run against: the portal, nginx and nchan, each started
here on a free port in a temporary folder, and always stopped again.

Nothing here touches the user's data or the system's nginx: the portal gets its own data
folder and an empty settings file (so a ``~/.config/tickerwire/tickerwire.toml`` cannot
change what is measured), and nginx gets its own configuration file, prefix, pid file and
error log (``nginx -c CONF -p PREFIX -g 'daemon off;'``), so its processes are children of
the bench and stop with it. A Debian package a bench needs (nginx, wrk, the nchan module)
is installed with apt-get when missing, since the bench must run on a fresh machine.

Run as a script, this file is the portal with the stream bench's routes added (see
:func:`serve_with_bench_routes`): ``python servers.py serve --demo --port N``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import http.client
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Request  # a module-level name, so FastAPI can resolve the annotation

NCHAN_MODULE = Path("/usr/lib/nginx/modules/ngx_nchan_module.so")
#: The portal's command as a user runs it; ``{port}`` is replaced by the chosen port.
PORTAL_CMD = f"{Path(sys.executable).parent / 'tickerwire'} serve --demo --port {{port}}"
HERE = Path(__file__).resolve().parent


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on now. The server binds it a moment later; a clash is
    reported by the server failing to start, never by a wrong measurement."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def raise_fd_limit() -> int:
    """Raise this process's open-file limit to its hard limit (children inherit it): ten
    thousand streams are ten thousand sockets on each side."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def ensure_debian_package(package: str, provides: Path | str) -> str | None:
    """Install ``package`` with apt-get unless ``provides`` (a file, or a command on PATH)
    is already there. None when it is usable; otherwise why not, as a sentence."""

    def present() -> bool:
        return (
            Path(provides).exists() if isinstance(provides, Path) else bool(shutil.which(provides))
        )

    if present():
        return None
    if shutil.which("apt-get") is None:
        return f"{package} is missing and there is no apt-get to install it"
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [*sudo, "apt-get", "install", "-y", "-q", package]
    print(f"installing {package}: {' '.join(install)}", flush=True)
    for attempt in (install, [*sudo, "apt-get", "update", "-q"], install):
        subprocess.run(attempt, env=env, capture_output=True, check=False)
        if present():
            return None
    return f"{package} could not be installed with apt-get"


def process_rss(pid: int) -> int:
    """Resident memory of one process, in bytes (0 once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (nginx's workers, say)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) used so far by ``pid`` and its descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for member in descendants(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def wait_until_idle(pid: int, *, below: float = 0.15, quiet: int = 2, limit: float = 90) -> float:
    """Wait until ``pid`` and its children use less than ``below`` of a CPU for ``quiet``
    seconds in a row (the demo's start-up backfill is done), or ``limit`` seconds pass.
    Returns the seconds waited: measuring a server still busy starting would blame its
    requests for its start-up."""
    started = time.monotonic()
    calm = 0
    last = cpu_seconds(pid)
    while calm < quiet and time.monotonic() - started < limit:
        time.sleep(1)
        now = cpu_seconds(pid)
        calm = calm + 1 if now - last < below else 0
        last = now
    return time.monotonic() - started


def wait_for_quotes(server: Server, symbols: str = "SPX,BTCUSD", limit: float = 120) -> float:
    """Wait until the portal has stored a quote of each of ``symbols``: the demo's first
    poll is a job of its own, which may come after the process has gone idle once.
    Returns the seconds waited."""
    started = time.monotonic()
    wanted = set(symbols.split(","))
    while time.monotonic() - started < limit:
        with contextlib.suppress(OSError, ValueError):
            status, body = http_get(server.host, server.port, f"/api/v1/quotes?symbols={symbols}")
            if status == 200 and wanted <= {q["symbol"] for q in json.loads(body)["quotes"]}:
                break
        time.sleep(0.5)
    return time.monotonic() - started


def tree_rss(pid: int) -> int:
    """Resident memory of ``pid`` and its descendants, in bytes."""
    return sum(process_rss(p) for p in descendants(pid))


@dataclass
class Server:
    """A server the bench started: its process, where it listens, its log."""

    name: str
    process: subprocess.Popen[bytes]
    host: str
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def log_tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""


def http_get(host: str, port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """One GET on a fresh connection: the status and the body."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _wait_until_up(server: Server, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited with {server.process.returncode}:\n{server.log_tail()}"
            )
        with contextlib.suppress(OSError, http.client.HTTPException):
            if http_get(server.host, server.port, path, timeout=2)[0] == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} did not answer {path} in {timeout:.0f} s")


def _stop(process: subprocess.Popen[bytes], sig: signal.Signals, timeout: float = 20) -> None:
    """Stop the process group the bench started (its own session), politely first."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


def _start(
    name: str, argv: Sequence[str], env: Mapping[str, str], log: Path, host: str, port: int
) -> Server:
    with log.open("ab") as sink:
        process = subprocess.Popen(
            list(argv), env=dict(env), stdout=sink, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    return Server(name, process, host, port, log)


def portal_env(workdir: Path, port: int, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a portal that sees only the bench's data folder and settings."""
    workdir.mkdir(parents=True, exist_ok=True)
    settings_file = workdir / "bench-settings.toml"
    settings_file.touch()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TICKERWIRE_")}
    env |= {
        "TICKERWIRE_DATA_DIR": str(workdir / "data"),
        "TICKERWIRE_CONFIG": str(settings_file),
        "TICKERWIRE_HOST": "127.0.0.1",
        "TICKERWIRE_PORT": str(port),
    }
    return env | dict(extra or {})


@contextlib.contextmanager
def portal(
    argv: Sequence[str],
    workdir: Path,
    port: int,
    *,
    extra_env: Mapping[str, str] | None = None,
    ready_path: str = "/",
    timeout: float = 180,
) -> Iterator[Server]:
    """The portal started with ``argv`` (``{port}`` already filled in), up and answering
    ``ready_path``; stopped with SIGINT (as Ctrl-C would) when the block ends."""
    env = portal_env(workdir, port, extra_env)
    with started("portal", argv, env, workdir / "portal.log", port, ready_path, timeout) as server:
        yield server


@contextlib.contextmanager
def started(
    name: str,
    argv: Sequence[str],
    env: Mapping[str, str],
    log: Path,
    port: int,
    ready_path: str = "/",
    timeout: float = 60,
) -> Iterator[Server]:
    """Any server process on 127.0.0.1:``port``, up and answering ``ready_path``; stopped
    with SIGINT when the block ends."""
    server = _start(name, argv, env, log, "127.0.0.1", port)
    try:
        _wait_until_up(server, ready_path, timeout)
        yield server
    finally:
        _stop(server.process, signal.SIGINT)


def nginx_conf(
    prefix: Path,
    port: int,
    server_body: str,
    *,
    workers: int = 1,
    connections: int = 4096,
    modules: Sequence[Path] = (),
    http_extra: str = "",
) -> str:
    """A whole nginx configuration that keeps every file under ``prefix``: no access log,
    one server on 127.0.0.1:``port`` whose body is ``server_body``."""
    loads = "".join(f"load_module {m};\n" for m in modules)
    temps = "".join(
        f"    {kind}_temp_path {prefix / ('tmp-' + kind)};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{loads}worker_processes {workers};
worker_rlimit_nofile {raise_fd_limit()};
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections {connections}; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 75s;
{temps}{http_extra}
    server {{
        listen 127.0.0.1:{port} backlog=2048;
        server_name _;
{server_body}
    }}
}}
"""


@contextlib.contextmanager
def nginx(prefix: Path, conf: str, port: int, *, ready_path: str = "/") -> Iterator[Server]:
    """nginx on ``conf`` with ``prefix`` as its prefix, in the foreground as a child of the
    bench (never the system's nginx), up and answering ``ready_path``; stopped with
    SIGTERM when the block ends. The folders above ``prefix`` must let others through:
    run as root, nginx's workers are ``nobody``."""
    prefix.mkdir(parents=True, exist_ok=True)
    prefix.chmod(0o755)  # its workers run as nobody when the bench runs as root
    path = prefix / "nginx.conf"
    path.write_text(conf)
    argv = ["nginx", "-c", str(path), "-p", str(prefix), "-g", "daemon off;"]
    server = _start("nginx", argv, os.environ, prefix / "nginx.log", "127.0.0.1", port)
    try:
        _wait_until_up(server, ready_path, 30)
        yield server
    finally:
        _stop(server.process, signal.SIGTERM)


# --- the portal with the stream bench's routes ------------------------------------------


class LagMonitor:
    """How late a 5 ms sleep wakes up on the event loop: the longest overshoot is the
    longest time the loop was busy with something else (a pause every client feels)."""

    TICK = 0.005

    def __init__(self) -> None:
        self.worst = 0.0
        self.samples = 0
        self._task: asyncio.Task[None] | None = None

    def reset(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._watch())
        self.worst, self.samples = 0.0, 0

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            start = loop.time()
            await asyncio.sleep(self.TICK)
            self.worst = max(self.worst, loop.time() - start - self.TICK)
            self.samples += 1


def add_bench_routes(app: Any) -> None:
    """Routes the stream bench needs and the portal does not have: a constant answer for a
    responsiveness probe, the loop-lag monitor, and a trigger that publishes one quote
    event on the runtime's bus, the call the poller makes, stamped with the time of
    publication to the microsecond so every client's copy can be matched and timed."""
    from fastapi.responses import PlainTextResponse

    from tickerwire.markets.poller import quote_event
    from tickerwire.web.stream_messages import quote_message

    lag = LagMonitor()
    base: dict[str, Any] = {}

    @app.get("/__bench/ping", response_class=PlainTextResponse, include_in_schema=False)
    async def ping() -> str:
        return "ok"

    @app.get("/__bench/lag", include_in_schema=False)
    async def loop_lag(reset: bool = False) -> dict[str, float]:
        answer = {"max_ms": lag.worst * 1000, "samples": lag.samples}
        if reset:
            lag.reset()
        return answer

    @app.get("/__bench/publish", include_in_schema=False)
    async def publish(request: Request, symbol: str = "BTCUSD") -> dict[str, Any]:
        runtime = request.app.state.runtime
        instrument = runtime.registry.get(symbol)
        if symbol not in base:  # the first call (before any client) reads the store
            stored = await asyncio.to_thread(runtime.markets.latest_quotes, [symbol])
            base[symbol] = stored[symbol]
        now = datetime.now(UTC)
        quote = dataclasses.replace(base[symbol], as_of=now, fetched_at=now)
        event = quote_event(quote, instrument)
        message = quote_message(runtime, instrument, event, now)
        published_at = time.time()
        await runtime.bus.publish([event])
        return {"as_of": event.data["as_of"], "message": message, "published_at": published_at}


def serve_with_bench_routes(args: Sequence[str]) -> None:
    """``tickerwire serve ARGS`` itself (its settings, migrations, uvicorn options), with
    :func:`add_bench_routes` added to the app it creates."""
    from tickerwire.cli import cli
    from tickerwire.web import app as web_app

    create_app = web_app.create_app

    def create_with_routes(*a: Any, **kw: Any) -> Any:
        app = create_app(*a, **kw)
        add_bench_routes(app)
        return app

    web_app.create_app = create_with_routes  # type: ignore[assignment]
    cli(["serve", *args], prog_name="tickerwire")


if __name__ == "__main__":
    if sys.argv[1:2] != ["serve"]:
        sys.exit("usage: servers.py serve [tickerwire serve options]")
    serve_with_bench_routes(sys.argv[2:])
