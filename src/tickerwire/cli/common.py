"""What every command shares: settings, one way to open and close a Runtime, the consoles,
the progress bar, quiet logging, and how text from outside is printed.

A command is a door: it reads its arguments, calls one function of
:mod:`tickerwire.actions` inside :func:`run`, and words the typed result. Every failure a
user can cause or meet ends as :class:`Failure`, a one-line sentence on stderr and exit
code 1, never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import unicodedata
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, NoReturn, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from tickerwire.actions import ActionError, Step
from tickerwire.config import Settings, SettingsError, load_settings
from tickerwire.jobs.schema import ensure_schema
from tickerwire.net.redact import redact
from tickerwire.runtime import Runtime
from tickerwire.store import db

T = TypeVar("T")

console = Console()
errors = Console(stderr=True)

#: Libraries that narrate their work (a line per request, per migration, per page parsed);
#: useful with ``-v``, noise without it.
CHATTY_LIBRARIES = (
    "alembic",
    "httpx",
    "httpcore",
    "trafilatura",
    "htmldate",
    "courlan",
    "justext",
    "readability",
    "lxml",
    "charset_normalizer",
    "asyncio",
)


class Failure(click.ClickException):
    """A command failed: printed as one line on stderr, exit code 1."""

    def __init__(self, message: str) -> None:
        super().__init__(visible(redact(message)))


def fail(message: str) -> NoReturn:
    raise Failure(message)


# Text from outside ----------------------------------------------------------------------


def visible(text: str) -> str:
    """``text`` with control and format characters (escapes, bidi overrides, newlines)
    shown as Python escapes, so a feed title cannot move the cursor or reorder a line."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch)[0] == "C" else ch
        for ch in text
    )


def outside(text: object, style: str = "") -> Text:
    """Text that came from outside (feed titles, URLs, error messages) as plain text:
    never read as rich markup, control characters made visible, secrets in URLs masked
    (:mod:`tickerwire.net.redact`)."""
    return Text(visible(redact(str(text))), style=style)


# Logging --------------------------------------------------------------------------------


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the moment (click's test runner swaps it),
    with every URL in a line redacted: libraries log whole request URLs, secrets and all."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup_logging(verbose: bool) -> None:
    """Warnings from our own code only, unless ``-v``: then everything, libraries too."""
    root = logging.getLogger()
    if not any(isinstance(h, _StderrHandler) for h in root.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.NOTSET if verbose else logging.ERROR)


# Settings and the runtime ---------------------------------------------------------------


def settings_from(ctx: click.Context, **overrides: Any) -> Settings:
    """Settings for a command: the group's options, then the command's own; refused in a
    sentence when they cannot be used (a typo, an unknown instrument, demo on real data)."""
    options: dict[str, Any] = dict(ctx.find_root().obj or {})
    options.update({k: v for k, v in overrides.items() if v is not None})
    try:
        settings = load_settings(**options)
        settings.refuse_demo_on_a_named_database()
    except (SettingsError, FileNotFoundError) as error:
        fail(f"settings refused: {error}")
    return settings


def run(settings: Settings, work: Callable[[Runtime], Awaitable[T]]) -> T:
    """Open a Runtime, do ``work`` with it, close it: the one way a command uses one."""

    async def main() -> T:
        runtime = await Runtime.open(settings)
        try:
            return await work(runtime)
        except ActionError as refusal:
            fail(str(refusal))
        finally:
            await runtime.close()

    with reaching_database(settings):
        return asyncio.run(main())


@contextlib.contextmanager
def engine_for(settings: Settings) -> Iterator[Engine]:
    """A migrated engine for commands that need the schema but not a whole Runtime."""
    with reaching_database(settings):
        engine = db.make_engine(settings.effective_database_url)
        try:
            db.upgrade(engine)
            ensure_schema(engine)  # the job engine's tables, on PostgreSQL
            yield engine
        finally:
            engine.dispose()


@contextlib.contextmanager
def reaching_database(settings: Settings) -> Iterator[None]:
    """Turn "the database is not there" into a sentence that says where and what to check."""
    url = settings.effective_database_url
    try:
        yield
    except ArgumentError as error:
        fail(f"database_url {url!r} is not a database URL ({error})")
    except (OperationalError, DBAPIError) as error:
        reason = (
            " ".join((str(error.orig).splitlines() or [""])[-1].split())
            if error.orig
            else str(error)
        )
        fail(
            f"cannot reach the database at {_where(url)} ({reason}); check that it is running "
            "and that database_url (--database-url or TICKERWIRE_DATABASE_URL) names it"
        )


def _where(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"{parsed.database} (SQLite)"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.host or 'localhost'}{port}/{parsed.database or ''}"


# Progress -------------------------------------------------------------------------------


@contextlib.contextmanager
def progress_bar(description: str) -> Iterator[Callable[[Step], None]]:
    """A progress bar on stderr; yields the callback actions report their steps to."""
    bar = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
    )
    with bar:
        task = bar.add_task(description, total=None)

        def advance(step: Step) -> None:
            label = escape(visible(redact(step.label)))
            bar.update(
                task, completed=step.done, total=step.total, description=f"{description}: {label}"
            )

        yield advance
