"""Structured logs: every line logged while serving a request names it, in the format the
settings choose, and health probes stay out of the access log."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import sys
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from support.ports import free_port
from tickerwire import logs
from tickerwire.config import LogSettings, Settings, SettingsError, load_settings
from tickerwire.runtime import Runtime
from tickerwire.web.app import create_app

log = logging.getLogger("tickerwire.test")
NEW_ID = re.compile(r"[0-9a-f]{32}")


class Lines(logging.Handler):
    """Keeps each record as the formatter words it."""

    def __init__(self, formatter: logging.Formatter) -> None:
        super().__init__()
        self.setFormatter(formatter)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def json_lines() -> Iterator[Lines]:
    handler = Lines(logs.JsonFormatter())
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    yield handler
    log.removeHandler(handler)
    log.setLevel(logging.NOTSET)


def record(message: str, *args: object, exc_info: bool = False) -> logging.LogRecord:
    error = sys.exc_info() if exc_info else None
    return logging.LogRecord("tickerwire.feeds", logging.WARNING, __file__, 1, message, args, error)


# The request id -------------------------------------------------------------------------


async def logs_and_answers(request: Request) -> PlainTextResponse:
    log.info("served %s", request.url.path)
    return PlainTextResponse("ok")


def logs_in_the_thread_pool(request: Request) -> PlainTextResponse:
    log.info("served from a worker thread")
    return PlainTextResponse("ok")


@pytest.fixture
def site() -> Iterator[TestClient]:
    routes = [Route("/", logs_and_answers), Route("/sync", logs_in_the_thread_pool)]
    app = logs.RequestIds(Starlette(routes=routes))
    with TestClient(app) as client:
        yield client


def test_a_sane_incoming_request_id_is_kept_and_echoed(site: TestClient) -> None:
    response = site.get("/", headers={"X-Request-ID": "lb-7f3a.9:2/x+y="})
    assert response.headers["x-request-id"] == "lb-7f3a.9:2/x+y="


def test_a_request_without_an_id_gets_a_new_one_each_time(site: TestClient) -> None:
    first = site.get("/").headers["x-request-id"]
    second = site.get("/").headers["x-request-id"]
    assert NEW_ID.fullmatch(first) and NEW_ID.fullmatch(second)
    assert first != second


@pytest.mark.parametrize(
    "given",
    ["", "a" * 129, "two words", 'quo"te', "key=value level=error", "caf\xe9"],
    ids=["empty", "too-long", "space", "quote", "forged-fields", "non-ascii"],
)
def test_an_incoming_id_that_is_not_sane_is_replaced(site: TestClient, given: str) -> None:
    response = site.get("/", headers={"X-Request-ID": given.encode("latin-1")})
    assert NEW_ID.fullmatch(response.headers["x-request-id"])


def test_a_line_logged_while_serving_names_the_request(site: TestClient, json_lines: Lines) -> None:
    response = site.get("/")
    line = json.loads(json_lines.lines[-1])
    assert line["message"] == "served /"
    assert line["request_id"] == response.headers["x-request-id"]


def test_a_line_logged_in_the_thread_pool_names_the_request(
    site: TestClient, json_lines: Lines
) -> None:
    response = site.get("/sync", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    assert json.loads(json_lines.lines[-1])["request_id"] == "abc-123"


def test_a_line_logged_outside_any_request_names_none(json_lines: Lines) -> None:
    log.info("starting")
    assert "request_id" not in json.loads(json_lines.lines[-1])


def test_every_answer_of_the_portal_carries_a_request_id(database_url: str) -> None:
    settings = Settings(database_url=database_url, demo=True, poller_enabled=False)
    with asyncio.Runner() as runner:
        runtime = runner.run(Runtime.open(settings))
        try:
            with TestClient(create_app(settings, runtime=runtime)) as client:
                response = client.get("/healthz", headers={"X-Request-ID": "probe-1"})
        finally:
            runner.run(runtime.close())
    assert response.headers["x-request-id"] == "probe-1"


# Formats --------------------------------------------------------------------------------


def test_json_is_one_object_a_line_with_the_fields_collectors_expect() -> None:
    line = logs.JsonFormatter().format(record("feed %s failed:\nHTTP %d", "wire", 503))
    assert "\n" not in line
    fields = json.loads(line)
    assert fields["message"] == "feed wire failed:\nHTTP 503"
    assert (fields["level"], fields["logger"]) == ("warning", "tickerwire.feeds")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", fields["time"])


def test_json_carries_the_traceback_of_an_exception() -> None:
    try:
        raise ValueError("no price")
    except ValueError:
        fields = json.loads(logs.JsonFormatter().format(record("refresh failed", exc_info=True)))
    assert fields["exception"].startswith("Traceback")
    assert "ValueError: no price" in fields["exception"]


def test_logfmt_leaves_simple_values_bare_and_quotes_the_rest() -> None:
    line = logs.LogfmtFormatter().format(record("feed failed"))
    assert re.fullmatch(
        r'time=\S+Z level=warning logger=tickerwire\.feeds message="feed failed"', line
    )


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("plain", "plain"),
        ("two words", '"two words"'),
        ('say "hi"', r'"say \"hi\""'),
        ("a=b", '"a=b"'),
        ("back\\slash", r'"back\\slash"'),
        ("line\nbreak", r'"line\nbreak"'),
        ("", '""'),
    ],
)
def test_a_logfmt_value_cannot_break_its_line_or_forge_a_field(value: str, written: str) -> None:
    assert logs.logfmt_value(value) == written


def test_text_is_the_cli_line_with_the_request_named_when_there_is_one(site: TestClient) -> None:
    handler = Lines(logs.TextFormatter())
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        log.info("outside")
        site.get("/", headers={"X-Request-ID": "r-1"})
    finally:
        log.removeHandler(handler)
        log.setLevel(logging.NOTSET)
    assert handler.lines == [
        "INFO tickerwire.test: outside",
        "INFO tickerwire.test: served / [request r-1]",
    ]


def test_an_unknown_format_is_refused_naming_the_choices() -> None:
    with pytest.raises(SettingsError, match=r"logs\.format: .*'text', 'logfmt' or 'json'"):
        load_settings(logs={"format": "xml"})


# Setting up a process -------------------------------------------------------------------


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    """The root logger, given back afterwards as it was (pytest's own handlers too). The
    access log's lines reach it, as under ``tickerwire serve``, even after another test ran
    uvicorn with uvicorn's own logging set-up, which stops them at their own handler."""
    root = logging.getLogger()
    access = logging.getLogger(logs.ACCESS_LOGGER)
    handlers, formatters = list(root.handlers), [h.formatter for h in root.handlers]
    level, access_level = root.level, access.level
    uvicorns = [logging.getLogger("uvicorn"), access]
    kept = [(list(each.handlers), each.propagate) for each in uvicorns]
    for each in uvicorns:
        each.handlers[:], each.propagate = [], True
    yield root
    for each, (own, propagates) in zip(uvicorns, kept, strict=True):
        each.handlers[:], each.propagate = own, propagates
    root.handlers[:] = handlers
    for handler, formatter in zip(handlers, formatters, strict=True):
        handler.setFormatter(formatter)
    root.setLevel(level)
    access.setLevel(access_level)
    for each in list(access.filters):
        access.removeFilter(each)


def test_configure_gives_the_root_handlers_the_chosen_format(root_logger: logging.Logger) -> None:
    stream = io.StringIO()
    root_logger.handlers[:] = [logging.StreamHandler(stream)]
    logs.configure(LogSettings(format="logfmt"))
    logging.getLogger("tickerwire.feeds").warning("feed failed")
    assert stream.getvalue().endswith('logger=tickerwire.feeds message="feed failed"\n')


def test_configure_writes_to_stderr_when_nothing_else_is_set_up(
    root_logger: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    root_logger.handlers[:] = []
    logs.configure(LogSettings(format="json"))
    logging.getLogger("tickerwire.feeds").warning("feed failed")
    assert json.loads(capsys.readouterr().err)["message"] == "feed failed"


@pytest.mark.anyio
async def test_the_access_log_leaves_out_probes_and_scrapes(
    database_url: str, root_logger: logging.Logger
) -> None:
    lines = Lines(logs.JsonFormatter())
    root_logger.handlers[:] = [lines]
    logs.configure(LogSettings(format="json"))
    settings = Settings(database_url=database_url, demo=True, poller_enabled=False)
    runtime = await Runtime.open(settings)
    port = free_port()
    config = uvicorn.Config(
        create_app(settings, runtime=runtime), port=port, log_config=None, log_level="info"
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        for _ in range(250):  # uvicorn offers no event for "started"; poll its flag
            if server.started:
                break
            await asyncio.sleep(0.02)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            for path in ("/healthz", "/readyz", "/metrics"):
                await http.get(path)
            answer = await http.get("/api/v1/market-status")
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, timeout=10)
        await runtime.close()
    access = [json.loads(line) for line in lines.lines if '"uvicorn.access"' in line]
    assert [a["message"].split('"')[1] for a in access] == ["GET /api/v1/market-status HTTP/1.1"]
    assert access[0]["request_id"] == answer.headers["x-request-id"]
