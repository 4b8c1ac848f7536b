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
least half its throughput and a p99 at or under 15 ms.

    .venv/bin/python bench/http_pages.py [--duration 10] [--connections 64] [--rounds 2]
        [--server-cmd "uvicorn ... --port {port}"] [--nginx-workers 1]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

import servers
from common import load_average

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
            with servers.nginx(prefix, conf, nginx_port) as baseline:
                for page in pages:
                    status, body = servers.http_get(host, nginx_port, page.path)
                    if status != 200 or len(body) != len(page.body):
                        raise RuntimeError(f"nginx serves {page.path} wrongly ({status})")
                return run_rounds(console, args, pages, ours, baseline)


def run_rounds(
    console: Console,
    args: argparse.Namespace,
    pages: list[Page],
    ours: servers.Server,
    baseline: servers.Server,
) -> int:
    load = {"threads": args.threads, "connections": args.connections}
    console.print(
        f"portal pid {ours.process.pid} (one process) vs nginx {ours.host}:{baseline.port} "
        f"with worker_processes {args.nginx_workers}, same bytes and headers; "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency; "
        f"{os.cpu_count()} CPUs; load before: {load_average()}"
    )
    for page in pages:
        for server in (ours, baseline):
            wrk(server.base + page.path, **load, duration=args.warmup)

    rounds = Table(title="Rounds (req/s; latency ms)")
    for column in ("round", "page", "bytes", "ours req/s", "nginx req/s", "ratio"):
        rounds.add_column(column, justify="left" if column == "page" else "right")
    for column in ("ours p50/p99", "nginx p50/p99", "errors ours/nginx", "load 1/5/15"):
        rounds.add_column(column, justify="right")
    results: dict[str, list[tuple[WrkResult, WrkResult]]] = {p.label: [] for p in pages}
    for number in range(1, args.rounds + 1):
        for page in pages:
            mine = wrk(ours.base + page.path, **load, duration=args.duration)
            theirs = wrk(baseline.base + page.path, **load, duration=args.duration)
            results[page.label].append((mine, theirs))
            rounds.add_row(
                str(number),
                page.path,
                f"{len(page.body):,}",
                f"{mine.requests_per_second:,.0f}",
                f"{theirs.requests_per_second:,.0f}",
                f"{mine.requests_per_second / theirs.requests_per_second:.3f}x",
                f"{_ms(mine.p50_ms)} / {_ms(mine.p99_ms)}",
                f"{_ms(theirs.p50_ms)} / {_ms(theirs.p99_ms)}",
                f"{mine.errors} / {theirs.errors}",
                load_average(),
            )
            console.print(
                f"round {number} {page.path}: ours {mine.requests_per_second:,.0f} req/s, "
                f"nginx {theirs.requests_per_second:,.0f} req/s  (load {load_average()})"
            )
    console.print(rounds)

    summary = Table(title=f"Median of {args.rounds} rounds, against the goals")
    for column in (
        "page",
        "ratio",
        f"goal ≥ {GOAL_RATIO}x",
        "ours p99 ms",
        f"goal ≤ {GOAL_P99_MS:g}",
    ):
        summary.add_column(column, justify="left" if column == "page" else "right")
    for page in pages:
        pairs = results[page.label]
        ratio = statistics.median(m.requests_per_second / t.requests_per_second for m, t in pairs)
        p99 = statistics.median(m.p99_ms for m, _ in pairs)
        summary.add_row(
            page.path,
            f"{ratio:.3f}x",
            "met" if ratio >= GOAL_RATIO else "not met",
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
