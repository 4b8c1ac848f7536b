"""Live-stream fan-out: N Server-Sent Events subscribers on the portal beside nchan.

For each N (1,000 by default; 5,000 and 10,000 with ``--clients``) and each round, the
portal is started as ``tickerwire serve --demo`` runs it (simulated quotes ticking,
pollers on, a temporary data folder, the per-address and per-process stream caps raised to
N through ``TICKERWIRE_STREAM__*``), with three routes the bench adds (``servers.py``): a constant
answer to probe the loop's responsiveness, a loop-lag monitor, and a trigger that publishes
one quote event on the runtime's bus, the call the poller makes. Then:

* N clients subscribe to ``/api/v1/stream`` (all symbols, as the ribbon does) from several
  client processes of raw asyncio protocols, spread over 127.0.0.x source addresses;
  **connect all** is the time from the first attempt to the last ``200`` answer;
* **memory per client** is the growth of the server's resident memory from before the
  first connection to two seconds after the last, divided by N;
* a few quote events are published, one at a time; each is stamped with its own time and
  every client notes when its copy arrives: **delivery** p50/p99/max is arrival minus the
  moment the bench sent the trigger, over every client and event;
* **pause** is the longest answer to a probe request sent every 20 ms on a connection of
  its own, during the connection storm and then during the steady part (the events and a
  hold long enough for one round of the stream's 15 s keep-alive pings); for the portal the
  in-process loop lag (how late a 5 ms sleep wakes) is shown too.

The baseline, measured the same way in the same run, rounds interleaved (ours, nchan,
ours, nchan ...): nginx with the nchan module (``libnginx-mod-nchan``, installed with
apt-get when missing) and as many worker processes as the portal has (one), fanning out
the same event bytes the portal sends (captured from it) on one channel whose buffer holds
the same opening messages (market status and stored quotes) every new client is sent.

Goals at 10,000 clients: p99 delivery ≤ 200 ms, ≤ 20 KB per client, no pause over 100 ms.

    .venv/bin/python bench/stream_fanout.py [--clients 1000,5000,10000] [--rounds 2]
        [--events 3] [--hold 16] [--client-procs 2] [--no-nchan]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import math
import multiprocessing
import multiprocessing.connection
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

import servers
from common import load_average

STREAM_PATH = "/api/v1/stream"
PING_PATH = "/__bench/ping"
GOAL_P99_MS = 200.0
GOAL_KB_PER_CLIENT = 20.0
GOAL_PAUSE_MS = 100.0
#: An event's stamp as both servers write it (``json.dumps`` separators).
AS_OF = re.compile(rb'"as_of": "([^"]{19,40})"')
TAIL = 100
"""Bytes kept from the previous read, so a stamp split between two reads is still found."""


# --- the clients, in their own processes ---------------------------------------------


@dataclass(frozen=True)
class ClientSpec:
    host: str
    port: int
    path: str
    count: int
    sources: tuple[str, ...]
    concurrency: int
    connect_timeout: float
    connect_limit: float
    """Seconds after which no new connection is attempted: a server that cannot take N
    clients is reported with how many it took, rather than waited for all night."""


class Subscriber(asyncio.Protocol):
    """One stream client that only notes when each event stamp first reaches it: the least
    work a client can do, so that ten thousand of them do not become the bottleneck."""

    def __init__(self, request: bytes, answered: asyncio.Future[int]) -> None:
        self.request = request
        self.answered = answered
        self.transport: asyncio.Transport | None = None
        self.head = b""
        self.status = 0
        self.tail = b""
        self.seen: dict[bytes, float] = {}
        self.open = False
        self.answered_at = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.open = True
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        now = time.time()
        if not self.status:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            self.status = int(self.head.split(None, 2)[1])
            self.answered_at = now
            data, self.head = self.head[end + 4 :], b""
            if not self.answered.done():
                self.answered.set_result(self.status)
        window = self.tail + data
        if b'"as_of"' in window:
            for found in AS_OF.finditer(window):
                self.seen.setdefault(found.group(1), now)
        self.tail = window[-TAIL:]

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        if not self.answered.done():
            self.answered.set_result(0)


def waiting(subscribers: list[Subscriber], marker: bytes) -> bool:
    """Whether a subscriber still open has not seen ``marker`` yet."""
    return any(s.open and marker not in s.seen for s in subscribers)


def client_process(conn: multiprocessing.connection.Connection, spec: ClientSpec) -> None:
    """A client process: opens its share of streams, reports, then answers commands."""
    servers.raise_fd_limit()
    asyncio.run(_serve_commands(conn, spec))


async def _serve_commands(conn: multiprocessing.connection.Connection, spec: ClientSpec) -> None:
    loop = asyncio.get_running_loop()
    request = (
        f"GET {spec.path} HTTP/1.1\r\nHost: {spec.host}:{spec.port}\r\n"
        "Accept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"
    ).encode()
    gate = asyncio.Semaphore(spec.concurrency)
    subscribers: list[Subscriber] = []

    give_up_at = time.time() + spec.connect_limit

    async def open_one(number: int) -> str:
        async with gate:
            if time.time() > give_up_at:
                return "not tried (connect limit)"
            subscriber = Subscriber(request, loop.create_future())
            subscribers.append(subscriber)
            source = (spec.sources[number % len(spec.sources)], 0)
            try:
                await asyncio.wait_for(
                    loop.create_connection(
                        lambda: subscriber, spec.host, spec.port, local_addr=source
                    ),
                    spec.connect_timeout,
                )
                status = await asyncio.wait_for(subscriber.answered, spec.connect_timeout)
            except TimeoutError:
                return "timeout"
            except OSError as error:
                return type(error).__name__
            return str(status)

    started = time.time()
    outcomes = Counter(await asyncio.gather(*(open_one(i) for i in range(spec.count))))
    live = [s for s in subscribers if s.status == 200]
    finished = max((s.answered_at for s in live), default=time.time())
    conn.send({"outcomes": dict(outcomes), "started": started, "finished": finished})
    while True:
        command = await asyncio.to_thread(conn.recv)
        if command[0] == "collect":
            marker, deadline = command[1].encode(), command[2]
            # Polled, so that data_received does nothing beyond noting the stamp.
            while time.time() < deadline and waiting(live, marker):  # noqa: ASYNC110
                await asyncio.sleep(0.02)
            times = [s.seen[marker] for s in live if marker in s.seen]
            conn.send({"times": times, "expected": len(live)})
        else:
            for subscriber in subscribers:
                if subscriber.transport is not None:
                    subscriber.transport.abort()
            await asyncio.sleep(0.2)
            conn.send("stopped")
            return


@contextlib.contextmanager
def clients(
    host: str, port: int, count: int, args: argparse.Namespace
) -> Iterator[tuple[list[multiprocessing.connection.Connection], list[dict[str, Any]]]]:
    """``count`` subscribers in ``args.client_procs`` processes, connected; their pipes and
    connection reports. Every process is stopped, and waited for, when the block ends."""
    context = multiprocessing.get_context("spawn")
    addresses = max(1, math.ceil(count / args.per_address))
    sources = [f"127.0.{1 + i // 250}.{2 + i % 250}" for i in range(addresses)]
    procs = max(1, min(args.client_procs, count))
    running: list[tuple[Any, multiprocessing.connection.Connection]] = []
    try:
        for k in range(procs):
            mine = count // procs + (1 if k < count % procs else 0)
            spec = ClientSpec(
                host, port, STREAM_PATH, mine, tuple(sources[k::procs] or sources),
                args.connect_concurrency, args.connect_timeout, args.connect_limit,
            )  # fmt: skip
            parent, child = context.Pipe()
            process = context.Process(target=client_process, args=(child, spec), daemon=True)
            process.start()
            running.append((process, parent))
        reports = []
        for process, pipe in running:
            if not pipe.poll(args.connect_limit + 2 * args.connect_timeout + 30):
                raise RuntimeError(f"client process {process.pid} did not finish connecting")
            reports.append(pipe.recv())
        yield [pipe for _, pipe in running], reports
    finally:
        for process, pipe in running:
            with contextlib.suppress(OSError, EOFError):
                pipe.send(("stop",))
                if pipe.poll(30):
                    pipe.recv()
            process.join(10)
            if process.is_alive():
                process.kill()
                process.join()


# --- what the bench watches from its own process -------------------------------------


class Probe(threading.Thread):
    """A GET every ``every`` seconds on one keep-alive connection: the longest answer is
    the longest time the server could not get to a new request."""

    def __init__(self, host: str, port: int, path: str = PING_PATH, every: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.host, self.port, self.path, self.every = host, port, path, every
        self.samples: list[tuple[float, float]] = []
        self.failures = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        while not self._stop_event.is_set():
            start = time.time()
            try:
                connection.request("GET", self.path)
                connection.getresponse().read()
            except (OSError, http.client.HTTPException):
                self.failures += 1
                connection.close()
                connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            took = time.time() - start
            self.samples.append((start, took))
            self._stop_event.wait(max(0.0, self.every - took))
        connection.close()

    def stop(self) -> None:
        self._stop_event.set()
        self.join(70)

    def worst_ms(self, start: float, end: float) -> float:
        return 1000 * max((t for s, t in self.samples if start <= s < end), default=math.nan)


@dataclass
class Target:
    """A server under test, as the measurement sees it."""

    name: str
    server: servers.Server
    rss: Callable[[], int]
    trigger: Callable[[], str]
    """Publishes one event and returns its stamp; called right after the clock is read."""
    lag: Callable[[bool], float] = lambda reset: math.nan
    """The in-process loop lag since the last reset, in ms, when the server can tell."""


@dataclass
class RoundResult:
    name: str
    clients: int
    round: int
    connect_seconds: float
    connected: int
    refused: dict[str, int]
    latencies_ms: list[float] = field(default_factory=list)
    expected: int = 0
    kb_per_client: float = math.nan
    pause_connect_ms: float = math.nan
    pause_steady_ms: float = math.nan
    lag_connect_ms: float = math.nan
    lag_steady_ms: float = math.nan
    load: str = ""

    def percentile(self, q: int) -> float:
        """The ``q``-th percentile (nearest rank) over every copy expected: a copy that
        never came within the timeout counts as infinitely late, not as absent."""
        lost = max(0, self.expected - len(self.latencies_ms))
        ranked = sorted(self.latencies_ms) + [math.inf] * lost
        if not ranked:
            return math.nan
        return ranked[max(0, math.ceil(q / 100 * len(ranked)) - 1)]

    @property
    def worst_ms(self) -> float:
        return self.percentile(100)


def measure(target: Target, count: int, number: int, args: argparse.Namespace) -> RoundResult:
    server = target.server
    before = target.rss()
    target.lag(True)
    probe = Probe(server.host, server.port)
    probe.start()
    start = time.time()
    try:
        result, connected_at, end = _with_clients(target, count, number, args, before)
    finally:
        probe.stop()
    result.pause_connect_ms = probe.worst_ms(start, connected_at)
    result.pause_steady_ms = probe.worst_ms(connected_at, end)
    result.load = load_average()
    return result


def _with_clients(
    target: Target, count: int, number: int, args: argparse.Namespace, before: int
) -> tuple[RoundResult, float, float]:
    """The part of a round with the clients connected: its result so far, when the last
    client had connected, and when the steady part ended."""
    server = target.server
    with clients(server.host, server.port, count, args) as (pipes, reports):
        connected_at = time.time()
        lag_connect = target.lag(True)
        outcomes: Counter[str] = Counter()
        for report in reports:
            outcomes.update(report["outcomes"])
        connected = outcomes.pop("200", 0)
        connect_seconds = max(r["finished"] for r in reports) - min(r["started"] for r in reports)
        time.sleep(args.settle)
        after = target.rss()
        result = RoundResult(
            target.name, count, number, connect_seconds, connected, dict(outcomes),
            kb_per_client=(after - before) / 1024 / max(connected, 1),
        )  # fmt: skip
        for _ in range(args.events):
            sent = time.time()
            marker = target.trigger()
            for pipe in pipes:
                pipe.send(("collect", marker, sent + args.timeout))
            for pipe in pipes:
                answer = pipe.recv()
                result.latencies_ms += [(t - sent) * 1000 for t in answer["times"]]
                result.expected += answer["expected"]
            time.sleep(args.gap)
        time.sleep(args.hold)
        end = time.time()
        result.lag_connect_ms, result.lag_steady_ms = lag_connect, target.lag(False)
    return result, connected_at, end


# --- the two servers ------------------------------------------------------------------


@dataclass
class Captured:
    """What the portal sends, so the baseline can send the same bytes."""

    opening: list[str] = field(default_factory=list)
    template: str = ""
    template_stamp: str = ""


def _get_json(server: servers.Server, path: str) -> dict[str, Any]:
    status, body = servers.http_get(server.host, server.port, path, timeout=60)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}: {body[:200]!r}")
    answer: dict[str, Any] = json.loads(body)
    return answer


def opening_messages(server: servers.Server, seconds: float = 2.0) -> list[str]:
    """The data of every event a new stream client is sent first."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=seconds)
    connection.request("GET", STREAM_PATH, headers={"Accept": "text/event-stream"})
    response = connection.getresponse()
    received = b""
    deadline = time.monotonic() + seconds
    with contextlib.suppress(OSError, http.client.HTTPException):
        while time.monotonic() < deadline:
            received += response.read1(65536)
    connection.close()
    messages = []
    for block in received.decode().replace("\r\n", "\n").split("\n\n"):
        data = [line[6:] for line in block.split("\n") if line.startswith("data: ")]
        if data and ("event: quote" in block or "event: market" in block):
            messages.append("\n".join(data))
    return messages


def ours_round(
    count: int, number: int, args: argparse.Namespace, work: Path, captured: Captured,
    console: Console,
) -> RoundResult:  # fmt: skip
    port = servers.free_port()
    argv = [
        sys.executable,
        str(servers.HERE / "servers.py"),
        "serve",
        "--demo",
        "--port",
        str(port),
    ]
    cap = str(count + 100)
    env = {"TICKERWIRE_STREAM__MAX_PER_CLIENT": cap, "TICKERWIRE_STREAM__MAX_TOTAL": cap}
    with servers.portal(argv, work / "portal", port, extra_env=env, ready_path=PING_PATH) as server:
        waited = servers.wait_until_idle(server.process.pid)
        waited += servers.wait_for_quotes(server)
        console.print(f"  the portal answered, then went idle after {waited:.0f} s")
        sample = _get_json(server, "/__bench/publish")  # reads the stored quote once, now
        if not captured.template:
            captured.template = sample["message"]["data"]
            captured.template_stamp = sample["as_of"]
            captured.opening = opening_messages(server)

        def trigger() -> str:
            return str(_get_json(server, "/__bench/publish")["as_of"])

        def lag(reset: bool) -> float:
            path = "/__bench/lag?reset=true" if reset else "/__bench/lag"
            return float(_get_json(server, path)["max_ms"])

        pid = server.process.pid
        target = Target("ours", server, lambda: servers.process_rss(pid), trigger, lag)
        return measure(target, count, number, args)


def nchan_conf(prefix: Path, port: int, count: int, buffered: int, workers: int) -> str:
    body = f"""        location = {STREAM_PATH} {{
            nchan_subscriber eventsource;
            nchan_channel_id quotes;
            nchan_subscriber_first_message oldest;
        }}
        location = /pub {{
            nchan_publisher;
            nchan_channel_id quotes;
            nchan_message_buffer_length {buffered};
            nchan_message_timeout 1h;
        }}
        location = {PING_PATH} {{ return 200 "ok"; }}"""
    return servers.nginx_conf(
        prefix, port, body, workers=workers, connections=count + 1000,
        modules=[servers.NCHAN_MODULE],
    )  # fmt: skip


def _post(server: servers.Server, path: str, body: str) -> None:
    connection = http.client.HTTPConnection(server.host, server.port, timeout=60)
    try:
        connection.request("POST", path, body=body.encode())
        response = connection.getresponse()
        response.read()
        if response.status >= 300:
            raise RuntimeError(f"nchan refused a publication: {response.status}")
    finally:
        connection.close()


def nchan_round(
    count: int, number: int, args: argparse.Namespace, work: Path, captured: Captured
) -> RoundResult:
    port = servers.free_port()
    prefix = work / f"nchan-{count}-{number}"
    buffered = len(captured.opening) + args.events + 10
    conf = nchan_conf(prefix, port, count, buffered, args.nchan_workers)
    with servers.nginx(prefix, conf, port, ready_path=PING_PATH) as server:
        for message in captured.opening:
            _post(server, "/pub", message)

        def trigger() -> str:
            stamp = datetime.now(UTC).isoformat()
            _post(server, "/pub", captured.template.replace(captured.template_stamp, stamp))
            return stamp

        pid = server.process.pid
        target = Target("nchan", server, lambda: servers.tree_rss(pid), trigger)
        return measure(target, count, number, args)


# --- the report -----------------------------------------------------------------------


def _ms(value: float) -> str:
    if math.isnan(value):
        return "-"
    if math.isinf(value):
        return "lost"
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def rounds_table(results: list[RoundResult]) -> Table:
    table = Table(title="Rounds (times in ms unless said)")
    columns = (
        "N", "server", "round", "connect all s", "connected", "delivered",
        "p50", "p99", "max", "KB/client", "pause connect", "pause steady",
        "loop lag connect/steady", "load 1/5/15",
    )  # fmt: skip
    for column in columns:
        table.add_column(column, justify="left" if column == "server" else "right")
    for r in results:
        refused = f" ({', '.join(f'{k}: {v}' for k, v in r.refused.items())})" if r.refused else ""
        table.add_row(
            f"{r.clients:,}", r.name, str(r.round), f"{r.connect_seconds:.1f}",
            f"{r.connected:,}{refused}", f"{len(r.latencies_ms):,}/{r.expected:,}",
            _ms(r.percentile(50)), _ms(r.percentile(99)), _ms(r.worst_ms),
            f"{r.kb_per_client:.1f}", _ms(r.pause_connect_ms), _ms(r.pause_steady_ms),
            f"{_ms(r.lag_connect_ms)} / {_ms(r.lag_steady_ms)}", r.load,
        )  # fmt: skip
    return table


def summary_table(results: list[RoundResult], counts: list[int]) -> Table:
    table = Table(title="Medians over rounds: ours against nchan, and the goals (at 10,000)")
    columns = (
        "N", "p99 ours", "p99 nchan", "ratio", f"goal ≤ {GOAL_P99_MS:g}",
        "KB/client ours", "KB nchan", f"goal ≤ {GOAL_KB_PER_CLIENT:g}",
        "pause ours", "pause nchan", f"goal ≤ {GOAL_PAUSE_MS:g}",
        "connect all s ours", "connect nchan",
    )  # fmt: skip
    for column in columns:
        table.add_column(column, justify="right")

    def median(name: str, count: int, value: Callable[[RoundResult], float]) -> float:
        picked = [value(r) for r in results if r.name == name and r.clients == count]
        picked = [v for v in picked if not math.isnan(v)]
        return statistics.median(picked) if picked else math.nan

    def verdict(value: float, goal: float) -> str:
        return "-" if math.isnan(value) else ("met" if value <= goal else "not met")

    for count in counts:
        p99 = median("ours", count, lambda r: r.percentile(99))
        p99_base = median("nchan", count, lambda r: r.percentile(99))
        kb = median("ours", count, lambda r: r.kb_per_client)
        pause = median("ours", count, lambda r: max(r.pause_connect_ms, r.pause_steady_ms))
        table.add_row(
            f"{count:,}", _ms(p99), _ms(p99_base),
            f"{p99 / p99_base:.1f}x" if p99_base > 0 and math.isfinite(p99 / p99_base) else "-",
            verdict(p99, GOAL_P99_MS), f"{kb:.1f}",
            f"{median('nchan', count, lambda r: r.kb_per_client):.1f}",
            verdict(kb, GOAL_KB_PER_CLIENT), _ms(pause),
            _ms(median("nchan", count, lambda r: max(r.pause_connect_ms, r.pause_steady_ms))),
            verdict(pause, GOAL_PAUSE_MS),
            f"{median('ours', count, lambda r: r.connect_seconds):.1f}",
            f"{median('nchan', count, lambda r: r.connect_seconds):.1f}",
        )  # fmt: skip
    return table


def coped(result: RoundResult) -> bool:
    """Whether a round went well enough that a larger N can tell us anything more: every
    client connected and at least 99 % of the copies arrived within the timeout."""
    return result.connected >= 0.99 * result.clients and len(result.latencies_ms) >= 0.99 * (
        result.expected or 1
    )


def run_rounds(
    counts: list[int], args: argparse.Namespace, work: Path, console: Console, *, with_nchan: bool
) -> list[RoundResult]:
    """Every N, rounds interleaved (ours, nchan, ours, nchan ...). Once the portal did not
    cope at some N (see :func:`coped`) it is not tried at larger ones unless
    ``--keep-going``: the answer is known, and the attempt would take many minutes."""
    results: list[RoundResult] = []
    captured = Captured()
    gave_up_at: int | None = None
    for count in counts:
        for number in range(1, args.rounds + 1):
            for name in ("ours", "nchan") if with_nchan else ("ours",):
                if name == "ours" and gave_up_at is not None:
                    console.print(
                        f"N={count:,} round {number}: ours skipped, it did not cope at "
                        f"{gave_up_at:,} (--keep-going to try)"
                    )
                    continue
                console.print(f"N={count:,} round {number}: {name} ... (load {load_average()})")
                try:
                    if name == "ours":
                        result = ours_round(count, number, args, work, captured, console)
                    else:
                        result = nchan_round(count, number, args, work, captured)
                except (RuntimeError, OSError, http.client.HTTPException) as error:
                    console.print(f"[red]  {name} at N={count:,} failed: {error!r}[/red]")
                    if name == "ours" and not args.keep_going:
                        gave_up_at = count
                    continue
                results.append(result)
                console.print(
                    f"  connected {result.connected:,} in {result.connect_seconds:.1f} s; "
                    f"delivery p50 {_ms(result.percentile(50))} p99 "
                    f"{_ms(result.percentile(99))} ms; {result.kb_per_client:.1f} KB/client;"
                    f" pause {_ms(result.pause_connect_ms)} / {_ms(result.pause_steady_ms)}"
                    f" ms; load {result.load}"
                )
                if name == "ours" and not coped(result) and not args.keep_going:
                    gave_up_at = count
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--clients", default="1000", help="comma-separated Ns (1000; e.g. 1000,5000,10000)"
    )
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds per N (2)")
    parser.add_argument("--events", type=int, default=3, help="events timed per round (3)")
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between events (1)")
    parser.add_argument(
        "--hold", type=float, default=16, help="seconds held after the events (16: one ping)"
    )
    parser.add_argument("--settle", type=float, default=2, help="seconds before memory (2)")
    parser.add_argument("--timeout", type=float, default=60, help="longest wait for an event")
    parser.add_argument("--client-procs", type=int, default=2, help="client processes (2)")
    parser.add_argument(
        "--connect-concurrency", type=int, default=100, help="attempts in flight per process"
    )
    parser.add_argument("--connect-timeout", type=float, default=120, help="per connection, s")
    parser.add_argument(
        "--connect-limit", type=float, default=300, help="no new attempt after this many s (300)"
    )
    parser.add_argument("--per-address", type=int, default=500, help="clients per 127.0.x.y")
    parser.add_argument("--nchan-workers", type=int, default=1, help="nginx workers (1)")
    parser.add_argument("--no-nchan", action="store_true", help="measure the portal only")
    parser.add_argument(
        "--keep-going", action="store_true", help="try larger N even when ours did not cope"
    )
    args = parser.parse_args()
    counts = [int(n.replace("_", "")) for n in args.clients.split(",") if n.strip()]
    console = Console(width=180)
    console.print(f"$ {' '.join([Path(sys.executable).name, *sys.argv])}")

    limit = servers.raise_fd_limit()
    if max(counts) + 200 > limit:
        console.print(f"[red]open-file limit {limit} is below {max(counts) + 200}[/red]")
        return 1
    nchan_problem = "--no-nchan" if args.no_nchan else None
    for package, provides in (("nginx", "nginx"), ("libnginx-mod-nchan", servers.NCHAN_MODULE)):
        if nchan_problem is None:
            nchan_problem = servers.ensure_debian_package(package, provides)
    if nchan_problem:
        console.print(f"[yellow]no nchan baseline: {nchan_problem}; the portal alone[/yellow]")
    console.print(
        f"portal: one process (uvicorn, as tickerwire serve runs it); nchan: nginx "
        f"worker_processes {args.nchan_workers}; {args.client_procs} client processes; "
        f"{os.cpu_count()} CPUs; open-file limit {limit}; load {load_average()}"
    )

    with tempfile.TemporaryDirectory(prefix="tickerwire-stream-") as folder:
        work = Path(folder)
        work.chmod(0o755)  # nginx's workers run as nobody when the bench runs as root
        results = run_rounds(counts, args, work, console, with_nchan=not nchan_problem)
    console.print(rounds_table(results))
    console.print(summary_table(results, counts))
    console.print(
        "delivery: trigger sent → copy received, every client and event; pause: the longest "
        "probe answer (every 20 ms), during the connection storm / after it; loop lag: how "
        "late a 5 ms sleep woke inside the portal. Clients, servers and other work share "
        f"{os.cpu_count()} CPUs (load after: {load_average()}): compare the two "
        "servers in the same round."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
