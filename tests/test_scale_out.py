"""Scale-out: two web processes and two workers on one PostgreSQL database and one Redis,
a worker killed with SIGKILL in the middle of a job, and nothing lost, nothing stored
twice, nothing seen differently by the two web processes.

The scenario runs once for the module (about a minute) and each test checks one thing it
must leave behind:

1. ``tickerwire db upgrade`` on a fresh database; two ``serve --no-poll`` on free ports,
   a live stream opened on each;
2. two workers; a local feed set subscribed to, whose article pages answer slowly, two of
   its feeds sharing one syndicated story;
3. as soon as a worker is in the middle of a feed's job (the job taken, that feed's pages
   being fetched by that worker), it and its child processes get SIGKILL;
4. once every feed is refreshed, the other worker is stopped, so the quotes stop moving;
   then the pages and the streams of both web processes are read.

Skipped, with the reason, only without PostgreSQL or Redis (failed instead in CI, where
TICKERWIRE_REQUIRE_POSTGRES and TICKERWIRE_REQUIRE_REDIS are set).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import redis
import sqlalchemy as sa

from support.http_server import LocalServer, RecordedRequest, Reply
from support.newsroom import Story, article_page, rss
from support.ports import free_port
from tickerwire.instruments import DEFAULT_INSTRUMENTS
from tickerwire.store.news import NewsStore

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(240)]

POSTGRES_URL = os.environ.get(
    "TICKERWIRE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("TICKERWIRE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TRACKED = ("SPX", "BTCUSD")
PAGE_DELAY = 3.0
"""Seconds each article page takes to answer: long enough for a kill to land mid-job."""
T = TypeVar("T")


# The local feed set: every text here was written for this test. ------------------------

SUBJECTS = [
    ("harbour-cranes", "Harbour operator orders forty electric cranes"),
    ("copper-strike", "Copper strike enters its third week"),
    ("grain-freight", "Grain freight rates climb on river drought"),
    ("chip-plant", "Chipmaker breaks ground on a second plant"),
    ("bond-auction", "Ten-year auction draws the weakest demand since spring"),
    ("retail-sales", "Retail sales beat forecasts on holiday spending"),
    ("airline-fuel", "Airlines lift fares as jet fuel costs rise"),
    ("steel-tariff", "Steelmakers weigh the new import tariff"),
    ("rail-merger", "Two freight railroads agree to merge"),
    ("coffee-crop", "Coffee prices jump on a smaller crop"),
    ("bank-capital", "Regulators ask banks to hold more capital"),
    ("solar-orders", "Solar panel orders double in the third quarter"),
]
SHARED = Story(
    "wire-syndicated",
    "Central bank keeps its policy rate unchanged",
    [
        "The central bank left its policy rate where it was on Thursday, saying inflation "
        "had eased for a fifth month while wage growth stayed firm.",
        "The decision was expected by every economist polled last week, and bond yields "
        "barely moved after the statement was released at noon.",
        "The governor said the committee would wait for the spring surveys before deciding "
        "whether the next move should be a cut.",
    ],
)


def story(slug: str, title: str, minutes: int) -> Story:
    subject = title.split(" ", 1)[0].lower()
    return Story(
        slug,
        title,
        [
            f"{title}, people familiar with the matter said on Tuesday, in a move that "
            f"analysts had expected for several months as the {subject} market tightened.",
            "Shares of the companies involved rose in early trading before giving back most "
            "of the gain by the close, as investors weighed the cost of the plan.",
            "Executives said the first results would show in next year's accounts, and that "
            "they would give more detail at the investor day planned for the spring.",
        ],
        minutes_after=minutes,
    )


STORIES = [story(slug, title, minutes) for minutes, (slug, title) in enumerate(SUBJECTS)]
FEEDS = [[*STORIES[0:3], SHARED], [*STORIES[3:6], SHARED], STORIES[6:9], STORIES[9:12]]


class Publisher:
    """The feeds and their article pages on a local server. Every page answers after
    :data:`PAGE_DELAY` seconds; who is being answered which page right now is known, by
    User-Agent (each worker sends its own)."""

    def __init__(self, server: LocalServer) -> None:
        self.server = server
        self._lock = threading.Lock()
        self._answering: Counter[tuple[str, str]] = Counter()
        base = server.base_url
        for index, stories in enumerate(FEEDS):
            body = rss(f"Wire {index}", base, stories)
            headers = {"Content-Type": "application/rss+xml"}
            server.route(self.feed_path(index), Reply(body=body, headers=headers))
        for item in [*STORIES, SHARED]:
            page = Reply(
                body=article_page(item, base), headers={"Content-Type": "text/html; charset=utf-8"}
            )
            server.route(f"/news/{item.slug}", self._slow(item.slug, page))

    @staticmethod
    def feed_path(index: int) -> str:
        return f"/wire{index}.xml"

    def subscriptions(self) -> list[tuple[str, str]]:
        return [(self.server.url(self.feed_path(i)), f"Wire {i}") for i in range(len(FEEDS))]

    def fetching(self, slugs: set[str]) -> set[str]:
        """The User-Agents whose requests for one of ``slugs`` are being answered now."""
        with self._lock:
            return {agent for (slug, agent), n in self._answering.items() if n and slug in slugs}

    def _slow(self, slug: str, page: Reply) -> Callable[[RecordedRequest], Reply]:
        def answer(request: RecordedRequest) -> Reply:
            key = (slug, request.headers.get("user-agent", ""))
            with self._lock:
                self._answering[key] += 1
            try:
                time.sleep(PAGE_DELAY)
                return page
            finally:
                with self._lock:
                    self._answering[key] -= 1

        return answer


def canonical_urls(base: str) -> set[str]:
    return {f"{base}/news/{item.slug}" for item in [*STORIES, SHARED]}


# Processes -----------------------------------------------------------------------------


class Processes:
    """Every process the scenario starts, each in its own session (so SIGKILL can take a
    worker with its extraction processes), each logging to a file; all ended at the end."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.env = env
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, *args: str, **env: str) -> subprocess.Popen[bytes]:
        log = (self.folder / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "tickerwire", *args],
            env=self.env | env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append(process)
        return process

    def run(self, name: str, *args: str) -> None:
        process = self.start(name, *args)
        assert process.wait(timeout=120) == 0, self.log(name)

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    @staticmethod
    def kill(process: subprocess.Popen[bytes]) -> None:
        """SIGKILL to the process and the children it started (its session's group)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    @staticmethod
    def stop(process: subprocess.Popen[bytes], signum: signal.Signals) -> None:
        process.send_signal(signum)
        try:
            process.wait(timeout=60)
        finally:
            Processes.kill(process)  # whatever it left behind

    def end_all(self) -> None:
        for process in self.started:
            if process.returncode is None:  # not reaped yet, so its id is still its own
                self.kill(process)


def wait_for(what: str, check: Callable[[], T | None], *, within: float) -> T:
    """Poll ``check`` until it gives something; failing says what never happened."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {within:.0f} s")


class StreamRecorder(threading.Thread):
    """Reads one web process's live stream and keeps its quote events, in order."""

    def __init__(self, base_url: str) -> None:
        super().__init__(daemon=True)
        self.base_url = base_url
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.subscribed = threading.Event()

    def run(self) -> None:
        kind = None
        try:
            with (
                httpx.Client(timeout=httpx.Timeout(5, read=None)) as client,
                client.stream("GET", f"{self.base_url}/api/v1/stream") as response,
            ):
                self.subscribed.set()  # the handler subscribed to the bus before answering
                for line in response.iter_lines():
                    if line.startswith("event:"):
                        kind = line.removeprefix("event:").strip()
                    elif line.startswith("data:") and kind == "quote":
                        payload = json.loads(line.removeprefix("data:"))
                        self.events.append((payload["key"], payload["data"]))
        except httpx.HTTPError:
            return  # the web process went away: the recording is complete

    def last_by_symbol(self) -> dict[str, tuple[float, datetime]]:
        return {
            key: (data["price"], datetime.fromisoformat(data["as_of"]))
            for key, data in list(self.events)
        }


# The scenario --------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    expected_urls: set[str]
    article_rows: Counter[str]
    entries_by_feed: dict[str, Counter[str]]
    feeds_done: list[tuple[str, bool, bool]]
    killed_job: int
    survivor_log: str
    stored_quotes: dict[str, tuple[float, datetime]]
    pages: dict[str, tuple[Any, Any]]
    streams: tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, dict[str, Any]]]]


def _services_or_skip(postgres_problem: str | None) -> None:
    problems = []
    if postgres_problem is not None:
        problems.append(f"PostgreSQL at {POSTGRES_URL} is not answering: {postgres_problem}")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.ConnectionError as error:
        problems.append(f"Redis at {REDIS_URL} is not answering: {error}")
    if not problems:
        return
    required = [
        os.environ.get(f"TICKERWIRE_REQUIRE_{name}") == "1" for name in ("POSTGRES", "REDIS")
    ]
    if any(required):
        pytest.fail("; ".join(problems))
    pytest.skip("; ".join(problems))


@pytest.fixture(scope="module")
def fresh_database(postgres_problem: str | None) -> Iterator[str]:
    _services_or_skip(postgres_problem)
    name = f"tw_scale_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield str(sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False))
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _environment(database_url: str, folder: Path) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if not k.startswith("TICKERWIRE_")}
    dropped = [i.symbol for i in DEFAULT_INSTRUMENTS if i.symbol not in TRACKED]
    return kept | {
        "XDG_CONFIG_HOME": str(folder / "config"),
        "XDG_DATA_HOME": str(folder / "data"),
        "TICKERWIRE_DATA_DIR": str(folder / "data"),
        "TICKERWIRE_DATABASE_URL": database_url,
        "TICKERWIRE_REDIS_URL": REDIS_URL,
        "TICKERWIRE_REDIS_CHANNEL": f"tickerwire:test:{folder.name}",
        "TICKERWIRE_DEFAULT_FEEDS": "[]",
        "TICKERWIRE_PROVIDERS__ORDER": '["simulated"]',
        "TICKERWIRE_REMOVE_INSTRUMENTS": json.dumps(dropped),
        "TICKERWIRE_FETCH__ALLOW_HOSTS": '["127.0.0.1"]',
        "TICKERWIRE_FETCH__PER_HOST_CONCURRENCY": "16",
        "TICKERWIRE_MEDIA__ENABLED": "false",
        "TICKERWIRE_JOBS__TICK_SECONDS": "1",
        "TICKERWIRE_JOBS__STALLED_AFTER_SECONDS": "10",
    }


def _rows(db: sa.Engine, query: str) -> list[sa.Row[Any]]:
    with db.connect() as connection:
        return list(connection.execute(sa.text(query)))


def _registered(db: sa.Engine, count: int) -> bool:
    """Whether ``count`` job workers are registered (each worker process has two)."""
    return len(_rows(db, "SELECT id FROM procrastinate_workers")) == count


def _job_mid_flight(db: sa.Engine, publisher: Publisher) -> tuple[int, str] | None:
    """A feed's refresh job that is fetching the feed's pages right now, as (job id, the
    User-Agent of the worker doing it). The feed's lease keeps every other worker off it."""
    doing = _rows(
        db,
        "SELECT j.id, f.url FROM procrastinate_jobs j "
        "JOIN feeds f ON f.id = (j.args->>'feed_id')::int "
        "WHERE j.task_name = 'tickerwire.refresh_feed' AND j.status = 'doing'",
    )
    for job in doing:
        index = next(i for i in range(len(FEEDS)) if job.url.endswith(Publisher.feed_path(i)))
        # Only the feed's own stories tell whose job this is: the shared one may be
        # fetched for the other feed that carries it, by the other worker.
        agents = publisher.fetching({item.slug for item in FEEDS[index] if item is not SHARED})
        if len(agents) == 1:
            return job.id, agents.pop()
    return None


RIBBON_CELL = re.compile(
    r'data-symbol="([^"]+)"(?: data-price="([^"]*)")?.*?data-field="price">([^<]*)<', re.DOTALL
)


def _quote_cells(document: Any) -> list[tuple[object, ...]]:
    """Every quote a page shows, wherever it shows it (ribbon, header …): in a page's
    HTML its ribbon cells, in a JSON twin every object that is a quote."""
    if isinstance(document, str):
        return [tuple(cell) for cell in RIBBON_CELL.findall(document)]
    found: list[tuple[object, ...]] = []
    if isinstance(document, dict):
        if {"symbol", "price_text", "as_of"} <= document.keys():
            found.append(
                tuple(document.get(k) for k in ("symbol", "price_text", "change_text", "as_of"))
            )
        for value in document.values():
            found += _quote_cells(value)
    elif isinstance(document, list):
        for value in document:
            found += _quote_cells(value)
    return found


@pytest.fixture(scope="module")
def scaled_out(fresh_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outcome]:
    folder = tmp_path_factory.mktemp("scale")
    processes = Processes(folder, _environment(fresh_database, folder))
    db = sa.create_engine(fresh_database)
    try:
        with LocalServer() as server:
            yield _scenario(processes, db, Publisher(server))
    finally:
        processes.end_all()
        db.dispose()


def _scenario(processes: Processes, db: sa.Engine, publisher: Publisher) -> Outcome:
    processes.run("db-upgrade", "db", "upgrade")
    ports = [free_port(), free_port()]
    webs = [
        processes.start(f"web{i}", "serve", "--no-poll", "--port", str(port))
        for i, port in enumerate(ports)
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    for base in bases:
        wait_for(
            f"{base} answering", lambda b=base: _answers(f"{b}/api/v1/market-status"), within=60
        )
    streams = [StreamRecorder(base) for base in bases]
    for stream in streams:
        stream.start()
        assert stream.subscribed.wait(30), f"no stream from {stream.base_url}"

    workers = {
        name: processes.start(name, "worker", TICKERWIRE_FETCH__USER_AGENT=f"Tickerwire ({name})")
        for name in ("worker-a", "worker-b")
    }
    wait_for("both workers registered", lambda: _registered(db, 4), within=90)
    NewsStore(db).add_feeds(publisher.subscriptions(), now=datetime.now(UTC))
    killed_job, agent = wait_for(
        "a worker in the middle of a feed's job", lambda: _job_mid_flight(db, publisher), within=60
    )
    victim = next(name for name in workers if f"({name})" in agent)
    Processes.kill(workers[victim])
    (survivor,) = (name for name in workers if name != victim)

    expected = canonical_urls(publisher.server.base_url)
    wait_for(
        "every feed refreshed and every article stored after the kill",
        lambda: _all_done(db, len(expected)),
        within=90,
    )
    Processes.stop(workers[survivor], signal.SIGTERM)  # the quotes stop moving
    stored = {
        row.symbol: (row.price, row.as_of)
        for row in _rows(db, "SELECT symbol, price, as_of FROM quotes")
    }
    for stream in streams:
        wait_for(
            f"the last quotes on the stream of {stream.base_url}",
            lambda s=stream: s.last_by_symbol() == stored,
            within=30,
        )
    pages = _read_pages(db, bases)
    for web in webs:
        Processes.kill(web)  # which ends the streams
    for stream in streams:
        stream.join(timeout=30)
    return Outcome(
        expected_urls=expected,
        article_rows=Counter(
            row.canonical_url for row in _rows(db, "SELECT canonical_url FROM articles")
        ),
        entries_by_feed=_entries_by_feed(db),
        feeds_done=[
            (row.url, row.last_success_at is not None, row.lease_until is None)
            for row in _rows(db, "SELECT url, last_success_at, lease_until FROM feeds")
        ],
        killed_job=killed_job,
        survivor_log=processes.log(survivor),
        stored_quotes=stored,
        pages=pages,
        streams=(streams[0].events, streams[1].events),
    )


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _all_done(db: sa.Engine, articles: int) -> bool:
    feeds = _rows(db, "SELECT last_success_at, lease_until FROM feeds")
    stored = _rows(db, "SELECT count(*) AS n FROM articles")[0].n
    refreshed = all(f.last_success_at is not None and f.lease_until is None for f in feeds)
    return len(feeds) == len(FEEDS) and refreshed and stored >= articles


def _entries_by_feed(db: sa.Engine) -> dict[str, Counter[str]]:
    by_feed: dict[str, Counter[str]] = {}
    for row in _rows(
        db, "SELECT f.url, e.identity FROM entries e JOIN feeds f ON f.id = e.feed_id"
    ):
        by_feed.setdefault(row.url, Counter())[row.identity] += 1
    return by_feed


def _read_pages(db: sa.Engine, bases: list[str]) -> dict[str, tuple[Any, Any]]:
    """Every page that shows quotes, as HTML and as its JSON twin, and the quote API, from
    both web processes."""
    articles = [row.id for row in _rows(db, "SELECT id FROM articles ORDER BY id")]
    paths = [
        "/",
        "/index.json",
        "/api/v1/ribbon",
        f"/api/v1/quotes?symbols={','.join(TRACKED)}",
        *(f"/quote/{symbol}{twin}" for symbol in TRACKED for twin in ("", ".json")),
        *(f"/article/{article}{twin}" for article in articles for twin in ("", ".json")),
    ]
    pages: dict[str, tuple[Any, Any]] = {}
    with httpx.Client(timeout=30) as client:
        for path in paths:
            first, second = (client.get(base + path) for base in bases)
            assert first.status_code == second.status_code == 200, path
            twins = path.endswith(".json") or path.startswith("/api/")
            pages[path] = (first.json(), second.json()) if twins else (first.text, second.text)
    return pages


# What it must leave behind -------------------------------------------------------------


def test_every_article_is_stored_once(scaled_out: Outcome) -> None:
    assert set(scaled_out.article_rows) == scaled_out.expected_urls
    assert set(scaled_out.article_rows.values()) == {1}


def test_every_feed_is_refreshed_and_each_of_its_entries_stored_once(scaled_out: Outcome) -> None:
    assert scaled_out.feeds_done and all(
        refreshed and released for _, refreshed, released in scaled_out.feeds_done
    )
    assert sorted(len(entries) for entries in scaled_out.entries_by_feed.values()) == sorted(
        len(stories) for stories in FEEDS
    )
    assert all(set(entries.values()) == {1} for entries in scaled_out.entries_by_feed.values())


def test_the_job_of_the_killed_worker_is_run_again_by_the_other(scaled_out: Outcome) -> None:
    recovered = [
        line
        for line in scaled_out.survivor_log.splitlines()
        if f"tickerwire.refresh_feed[{scaled_out.killed_job}]" in line
    ]
    assert any("of a dead worker" in line for line in recovered), scaled_out.survivor_log


def test_every_page_on_both_web_processes_shows_the_same_quotes(scaled_out: Outcome) -> None:
    assert set(scaled_out.stored_quotes) == set(TRACKED)
    for path, (first, second) in scaled_out.pages.items():
        assert _quote_cells(first) == _quote_cells(second), path
        if isinstance(first, str) or path.startswith("/api/"):  # pages and the quote API
            assert {cell[0] for cell in _quote_cells(first)} == set(TRACKED), path


def test_the_streams_of_both_web_processes_deliver_the_same_events(scaled_out: Outcome) -> None:
    first, second = scaled_out.streams
    assert {key for key, _ in first} == set(TRACKED)
    assert first == second
