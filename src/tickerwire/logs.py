"""Log lines a person or a log collector can read, each carrying the request it belongs to.

Every request gets an id: the caller's ``X-Request-ID`` when it is a sane one (a proxy or
load balancer that already set one keeps its id end to end), else a fresh one. The id is
held in a context variable for as long as the request is served, so any line logged
while serving it, in the event loop or in the thread pool (both copy the context), names
it; the response echoes it in ``X-Request-ID`` so a user's report can be matched to the
log.

Three formats (setting ``logs.format``): ``text``, the lines the CLI has always written;
``logfmt`` and ``json`` (one object a line), each with ``time`` (UTC, ISO 8601),
``level``, ``logger``, ``message`` and ``request_id``, and ``exception`` when there is one.

Health probes and metric scrapes come every few seconds; the access log leaves them out
(:class:`QuietRequests`), so it keeps showing what people asked for.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import secrets
import sys
from collections.abc import Collection
from contextvars import ContextVar, Token
from datetime import UTC, datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tickerwire.config import LogSettings

HEADER = "X-Request-ID"
_HEADER_KEY = HEADER.lower().encode()
#: What an incoming id may be: short, and nothing that could forge a log field or line.
_SANE_ID = re.compile(r"[A-Za-z0-9._:+/=-]{1,128}")
#: Uvicorn's access lines, which :class:`QuietRequests` thins.
ACCESS_LOGGER = "uvicorn.access"

_PROCESS_ID = secrets.token_hex(8)
_COUNT = itertools.count(secrets.randbits(32))
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_quiet: ContextVar[bool] = ContextVar("quiet_request", default=False)


def current_request_id() -> str | None:
    """The id of the request being served here, or None outside any request."""
    return _request_id.get()


def serving(request_id: str) -> Token[str | None]:
    """Name ``request_id`` in every line logged from here until :func:`served`."""
    return _request_id.set(request_id)


def served(token: Token[str | None]) -> None:
    _request_id.reset(token)


def incoming_or_new(header: str | None) -> str:
    """The caller's id when it is sane, else a new one: 32 hex digits, this process's own
    random half and a count (unique without a system call for randomness per request)."""
    if header is not None and _SANE_ID.fullmatch(header):
        return header
    return f"{_PROCESS_ID}{next(_COUNT):016x}"


class RequestIds:
    """Pure ASGI middleware: give each HTTP request its id, for its log lines and its
    response. Requests for ``quiet_paths`` are marked so the access log skips them."""

    def __init__(self, app: ASGIApp, *, quiet_paths: Collection[str] = ()) -> None:
        self.app = app
        self.quiet_paths = frozenset(quiet_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v for k, v in scope["headers"] if k == _HEADER_KEY), None)
        request_id = incoming_or_new(given.decode("latin-1") if given is not None else None)
        header = (_HEADER_KEY, request_id.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        id_token = serving(request_id)
        quiet_token = _quiet.set(scope["path"] in self.quiet_paths)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _quiet.reset(quiet_token)
            served(id_token)


class QuietRequests(logging.Filter):
    """Drops access-log lines of requests :class:`RequestIds` marked quiet. Uvicorn writes
    its access line while the response starts, inside the request's context."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not _quiet.get()


def _fields(record: logging.LogRecord, formatter: logging.Formatter) -> dict[str, str]:
    stamp = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
    fields = {
        "time": stamp.replace("+00:00", "Z"),
        "level": record.levelname.lower(),
        "logger": record.name,
        "message": record.getMessage(),
    }
    request_id = current_request_id()
    if request_id is not None:
        fields["request_id"] = request_id
    if record.exc_info:
        fields["exception"] = formatter.formatException(record.exc_info)
    elif record.exc_text:
        fields["exception"] = record.exc_text
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object a line; newlines in a message or a traceback stay escaped inside."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(_fields(record, self), ensure_ascii=False)


_BARE = re.compile(r"[^\s\"=\\\x00-\x1f\x7f]+")


def logfmt_value(value: str) -> str:
    """``value`` bare when it can be, else quoted with ``\\``, ``"`` and controls escaped,
    so one record stays one line and every ``key=value`` pair parses back."""
    if _BARE.fullmatch(value):
        return value
    return json.dumps(value, ensure_ascii=False)


class LogfmtFormatter(logging.Formatter):
    """``key=value`` pairs, one record a line."""

    def format(self, record: logging.LogRecord) -> str:
        return " ".join(f"{k}={logfmt_value(v)}" for k, v in _fields(record, self).items())


class TextFormatter(logging.Formatter):
    """The CLI's plain lines, with the request's id at the end when there is one."""

    def __init__(self) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        request_id = current_request_id()
        return line if request_id is None else f"{line} [request {request_id}]"


FORMATTERS: dict[str, type[logging.Formatter]] = {
    "text": TextFormatter,
    "logfmt": LogfmtFormatter,
    "json": JsonFormatter,
}
_QUIET = QuietRequests()


def configure(settings: LogSettings) -> None:
    """Write every line of this process in ``settings.format``: the root logger's handlers
    get the formatter (a handler that adds something, such as the CLI's redaction, keeps
    doing it), or a stderr handler is added when there is none; levels stay as they are.
    Uvicorn's access lines pass through the root logger only when uvicorn is started
    with ``log_config=None``; they leave out quiet requests either way."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler(sys.stderr))
    for handler in root.handlers:
        handler.setFormatter(FORMATTERS[settings.format]())
    logging.getLogger(ACCESS_LOGGER).addFilter(_QUIET)
