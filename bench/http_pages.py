"""HTTP page serving over real sockets: the portal beside nginx serving the same bytes.

The portal runs as a user runs it (``tickerwire serve --demo``: simulated quotes ticking,
so the render cache is emptied by every tick, sample news), in a temporary data folder on a
free port. Three pages are fetched from it (the home page, an article found through
``/index.json``, a quote page) and their bytes and headers saved; nginx serves those saved
bytes from its own temporary configuration, with the same headers, with as many worker
processes as the portal has (one by default: the portal is one process). wrk loads each
page on each server in turn, rounds interleaved (ours, nginx, ours, nginx ...) so a noisy
neighbour hurts both alike, and the table prints requests per second as a ratio against
nginx in the same round, p50 and p99 latency, and the load average after every run.

nginx serving files is the ceiling for a page assembled from ready bytes: the goal is at
least half its throughput and a p99 at or under 15 ms. A third server shows how much of the
gap is ours: ``bare_asgi.py``, uvicorn as the portal runs it (uvloop, httptools, no access
log) with an app that only sends the same saved bytes, the most any one Python process
serving HTTP through uvicorn gets here; "ours/bare" is the share of that our own code keeps.

    .venv/bin/python bench/http_pages.py [--duration 10] [--connections 64] [--rounds 2]
        [--server-cmd "uvicorn ... --port {port}"] [--nginx-workers 1]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

import servers
from common import load_average

BENCH = Path(__file__).resolve().parent
GOAL_RATIO = 0.5
GOAL_P99_MS = 15.0
#: Response headers nginx adds itself, or must not copy.
OWN_HEADERS = {"date", "server", "content-length", "connection", "transfer-encoding"}
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    body: bytes
    headers: list[tuple[str, str]]


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    """Socket errors and non-2xx/3xx answers together: a fast wrong answer is no answer."""


def parse_wrk(output: str) -> WrkResult:
    """Requests/s, the 50th and 99th latency percentiles and the errors from ``wrk
    --latency`` output."""

    def latency(percent: str) -> float:
        found = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.M)
        if found is None:
            raise ValueError(f"no {percent}% latency in wrk output:\n{output}")
        return float(found.group(1)) * _UNITS[found.group(2)]

    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    if rate is None:
        raise ValueError(f"no Requests/sec in wrk output:\n{output}")
    errors = 0
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    return WrkResult(float(rate.group(1)), latency("50"), latency("99"), errors)


def wrk(url: str, *, threads: int, connections: int, duration: int) -> WrkResult:
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stderr}{done.stdout}")
    return parse_wrk(done.stdout)


@dataclass(frozen=True)
class Run:
    """One wrk run against one server, with the CPU the server's processes spent on it."""

    wrk: WrkResult
    cpu_us_per_request: float
    """The server's own CPU time per answer: unlike requests/s, it hardly moves when other
    work shares the machine, so it compares servers on a busy machine too."""

    @property
    def requests_per_second(self) -> float:
        return self.wrk.requests_per_second


def timed_run(server: servers.Server, path: str, load: dict[str, int], duration: int) -> Run:
    before = servers.cpu_seconds(server.process.pid)
    result = wrk(server.base + path, **load, duration=duration)
    spent = servers.cpu_seconds(server.process.pid) - before
    answered = max(result.requests_per_second * duration, 1.0)
    return Run(result, spent / answered * 1e6)


def fetch_page(host: str, port: int, label: str, path: str) -> Page:
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}: {body[:200]!r}")
        headers = [(k, v) for k, v in response.getheaders() if k.lower() not in OWN_HEADERS]
        return Page(label, path, body, headers)
    finally:
        connection.close()


def article_path(host: str, port: int) -> str:
    """The lead article of the home page, else its first headline."""
    status, body = servers.http_get(host, port, "/index.json", timeout=30)
    if status != 200:
        raise RuntimeError(f"/index.json answered {status}")
    home = json.loads(body)
    for item in [home.get("lead"), *home.get("headlines", [])]:
        if item and str(item.get("path", "")).startswith("/article/"):
            return str(item["path"])
    raise RuntimeError("the demo home page lists no article")


def _quoted(value: str) -> str:
    if "$" in value:
        raise ValueError(f"header value with '$' cannot be copied to nginx: {value}")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def nginx_locations(pages: list[Page], www: Path) -> str:
    """One exact location per page: its saved bytes with the headers the portal sent."""
    blocks = []
    for page in pages:
        name = "index.html" if page.path == "/" else page.path.lstrip("/")
        target = www / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(page.body)
        content_type = "text/html"
        lines = []
        for key, value in page.headers:
            if key.lower() == "content-type":
                content_type = value
            else:
                lines.append(f"            add_header {key} {_quoted(value)} always;")
        blocks.append(
            f"        location = {page.path} {{\n"
            f"            default_type {_quoted(content_type)};\n"
            f"            try_files /{name} =404;\n" + "\n".join(lines) + "\n        }"
        )
    for folder in [www, *(p for p in www.rglob("*") if p.is_dir())]:
        folder.chmod(0o755)
    for file in www.rglob("*"):
        if file.is_file():
            file.chmod(0o644)
    return f"        root {www};\n        types {{ }}\n" + "\n".join(blocks)


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (10)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (64)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds (2)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per page")
    parser.add_argument(
        "--server-cmd",
        default=servers.PORTAL_CMD,
        help="the portal's command, {port} filled in; it also gets TICKERWIRE_PORT and a "
        "temporary TICKERWIRE_DATA_DIR (default: %(default)s)",
    )
    parser.add_argument(
        "--nginx-workers", type=int, default=1, help="nginx worker_processes (1, as the portal)"
    )
    parser.add_argument("--quote", default="SPX", help="symbol of the quote page (SPX)")
    args = parser.parse_args()
    console = Console(width=140)
    console.print(f"$ {' '.join([Path(sys.executable).name, *sys.argv])}")
    for package in ("nginx", "wrk"):
        problem = servers.ensure_debian_package(package, package)
        if problem:
            console.print(f"[red]{problem}; cannot run this bench[/red]")
            return 1

    with tempfile.TemporaryDirectory(prefix="tickerwire-http-") as folder:
        work = Path(folder)
        work.chmod(0o755)  # nginx's workers run as nobody when the bench runs as root
        port = servers.free_port()
        argv = shlex.split(args.server_cmd.format(port=port))
        console.print(f"starting the portal: {' '.join(argv)}")
        with servers.portal(argv, work / "portal", port) as ours:
            waited = servers.wait_until_idle(ours.process.pid)
            waited += servers.wait_for_quotes(ours)
            console.print(f"the portal answered, then went idle after {waited:.0f} s")
            host = ours.host
            paths = {
                "home": "/",
                "article": article_path(host, port),
                "quote": f"/quote/{args.quote}",
            }
            pages = [fetch_page(host, port, label, path) for label, path in paths.items()]
            nginx_port = servers.free_port()
            prefix = work / "nginx"
            conf = servers.nginx_conf(
                prefix,
                nginx_port,
                nginx_locations(pages, prefix / "www"),
                workers=args.nginx_workers,
            )
            with (
                servers.nginx(prefix, conf, nginx_port) as baseline,
                bare_server(pages, work / "bare") as bare,
            ):
                for server in (baseline, bare):
                    for page in pages:
                        status, body = servers.http_get(host, server.port, page.path)
                        if status != 200 or len(body) != len(page.body):
                            raise RuntimeError(f"{server.name} serves {page.path} wrongly")
                return run_rounds(console, args, pages, ours, baseline, bare)


@contextlib.contextmanager
def bare_server(pages: list[Page], folder: Path) -> Iterator[servers.Server]:
    """``bare_asgi.py`` under uvicorn, serving the saved pages with their headers."""
    folder.mkdir(parents=True)
    manifest = []
    for number, page in enumerate(pages):
        (folder / f"{number}.body").write_bytes(page.body)
        manifest.append({"path": page.path, "file": f"{number}.body", "headers": page.headers})
    (folder / "pages.json").write_text(json.dumps(manifest))
    port = servers.free_port()
    argv = [sys.executable, "-m", "uvicorn", "bare_asgi:app", "--app-dir", str(BENCH)]
    argv += ["--port", str(port), "--no-access-log", "--log-level", "warning"]
    env = dict(os.environ, BARE_ASGI_PAGES=str(folder))
    with servers.started("bare uvicorn", argv, env, folder / "log", port, pages[0].path) as bare:
        yield bare


def run_rounds(
    console: Console,
    args: argparse.Namespace,
    pages: list[Page],
    ours: servers.Server,
    baseline: servers.Server,
    bare: servers.Server,
) -> int:
    load = {"threads": args.threads, "connections": args.connections}
    console.print(
        f"portal pid {ours.process.pid} (one process) vs nginx {ours.host}:{baseline.port} "
        f"with worker_processes {args.nginx_workers} and bare uvicorn {bare.port}, same "
        "bytes and headers; "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency; "
        f"{os.cpu_count()} CPUs; load before: {load_average()}"
    )
    for page in pages:
        for server in (ours, baseline, bare):
            wrk(server.base + page.path, **load, duration=args.warmup)

    rounds = Table(title="Rounds (req/s; latency ms)")
    for column in ("round", "page", "bytes", "ours req/s", "bare req/s", "nginx req/s"):
        rounds.add_column(column, justify="left" if column == "page" else "right")
    for column in ("ours/nginx", "bare/nginx", "CPU µs/req ours/bare/nginx", "ours p50/p99"):
        rounds.add_column(column, justify="right")
    for column in ("nginx p50/p99", "errors"):
        rounds.add_column(column, justify="right")
    rounds.add_column("load 1/5/15", justify="right")
    results: dict[str, list[tuple[Run, Run, Run]]] = {p.label: [] for p in pages}
    for number in range(1, args.rounds + 1):
        for page in pages:
            mine = timed_run(ours, page.path, load, args.duration)
            floor = timed_run(bare, page.path, load, args.duration)
            theirs = timed_run(baseline, page.path, load, args.duration)
            results[page.label].append((mine, theirs, floor))
            rounds.add_row(
                str(number),
                page.path,
                f"{len(page.body):,}",
                f"{mine.requests_per_second:,.0f}",
                f"{floor.requests_per_second:,.0f}",
                f"{theirs.requests_per_second:,.0f}",
                f"{mine.requests_per_second / theirs.requests_per_second:.3f}x",
                f"{floor.requests_per_second / theirs.requests_per_second:.3f}x",
                f"{mine.cpu_us_per_request:.0f} / {floor.cpu_us_per_request:.0f} / "
                f"{theirs.cpu_us_per_request:.0f}",
                f"{_ms(mine.wrk.p50_ms)} / {_ms(mine.wrk.p99_ms)}",
                f"{_ms(theirs.wrk.p50_ms)} / {_ms(theirs.wrk.p99_ms)}",
                f"{mine.wrk.errors} / {floor.wrk.errors} / {theirs.wrk.errors}",
                load_average(),
            )
            console.print(
                f"round {number} {page.path}: ours {mine.requests_per_second:,.0f} req/s, "
                f"bare uvicorn {floor.requests_per_second:,.0f}, "
                f"nginx {theirs.requests_per_second:,.0f}  (load {load_average()})"
            )
    console.print(rounds)

    summary = Table(title=f"Median of {args.rounds} rounds, against the goals")
    for column in (
        "page",
        "ours/nginx",
        f"goal ≥ {GOAL_RATIO}x",
        "bare/nginx",
        "ours/bare",
        "CPU µs/req ours/bare/nginx",
        "ours p99 ms",
        f"goal ≤ {GOAL_P99_MS:g}",
    ):
        summary.add_column(column, justify="left" if column == "page" else "right")
    for page in pages:
        runs = results[page.label]
        ratio = statistics.median(m.requests_per_second / t.requests_per_second for m, t, _ in runs)
        ceiling = statistics.median(
            f.requests_per_second / t.requests_per_second for _, t, f in runs
        )
        kept = statistics.median(m.requests_per_second / f.requests_per_second for m, _, f in runs)
        p99 = statistics.median(m.wrk.p99_ms for m, _, _ in runs)
        cpu = [statistics.median(run[i].cpu_us_per_request for run in runs) for i in (0, 2, 1)]
        summary.add_row(
            page.path,
            f"{ratio:.3f}x",
            "met" if ratio >= GOAL_RATIO else "not met",
            f"{ceiling:.3f}x",
            f"{kept:.3f}x",
            " / ".join(f"{value:.0f}" for value in cpu),
            _ms(p99),
            "met" if p99 <= GOAL_P99_MS else "not met",
        )
    console.print(summary)
    console.print(
        f"load average after: {load_average()} (1/5/15 min) on {os.cpu_count()} CPUs; "
        "wrk, the portal and nginx share them, and other work on the machine slows both "
        "servers alike only roughly: read the ratios, not the absolute figures."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
