"""The command line: ``tickerwire --help``.

Each command is a thin door onto the same functions the web app uses (Runtime, the
poller, the store), so the CLI never has a second copy of any logic.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from tickerwire import __version__
from tickerwire.config import Settings, load_settings
from tickerwire.instruments import UnknownInstrument

console = Console()
errors = Console(stderr=True)


def settings_from(ctx: click.Context, **overrides: Any) -> Settings:
    """Settings for a command: the group's options, then the command's own."""
    return _settings(ctx.find_root(), **overrides)


def _settings(ctx: click.Context, **overrides: Any) -> Settings:
    base: dict[str, Any] = dict(ctx.obj or {})
    base.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return load_settings(**base)
    except (ValueError, FileNotFoundError) as error:
        raise click.ClickException(f"bad settings: {error}") from error


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tickerwire")
@click.option("--database-url", help="SQLAlchemy URL (default: SQLite in the data folder).")
@click.option("-v", "--verbose", is_flag=True, help="Log more.")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None, verbose: bool) -> None:
    """Tickerwire: markets and the news that moves them, self-hosted."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, format="%(message)s")
    ctx.obj = {"database_url": database_url} if database_url else {}


@cli.command()
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port (default 8000).")
@click.option("--demo", is_flag=True, default=None, help="Simulated quotes, no network needed.")
@click.option("--no-poll", is_flag=True, help="Serve stored data only; start no pollers.")
@click.pass_context
def serve(
    ctx: click.Context, host: str | None, port: int | None, demo: bool | None, no_poll: bool
) -> None:
    """Run the portal: web server, scheduler and pollers in one process."""
    import uvicorn

    from tickerwire.store import db
    from tickerwire.web.app import create_app

    settings = _settings(
        ctx, host=host, port=port, demo=demo, poller_enabled=False if no_poll else None
    )
    engine = db.make_engine(settings.effective_database_url)
    db.upgrade(engine)
    engine.dispose()
    mode = "SIMULATED demo data" if settings.demo else " → ".join(settings.providers.order)
    errors.print(f"Tickerwire on http://{settings.host}:{settings.port}  (quotes: {mode})")
    errors.print(f"Database: {settings.effective_database_url}")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")


@cli.command()
@click.option("--demo", is_flag=True, default=None, help="Simulated quotes, no network needed.")
@click.pass_context
def worker(ctx: click.Context, demo: bool | None) -> None:
    """Run the pollers and the news pipeline without a web server.

    For scale-out: one or more workers and several `serve --no-poll` web processes on one
    PostgreSQL database, with TICKERWIRE_REDIS_URL set so quotes reach every web process.
    Feeds are leased in the database, so two workers never refresh the same feed at once.
    """
    settings = _settings(ctx, demo=demo)
    asyncio.run(_work(settings))


async def _work(settings: Settings) -> None:
    import signal

    from tickerwire.runtime import Runtime

    runtime = await Runtime.open(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    errors.print(f"Worker polling {len(runtime.registry)} instruments and the feeds due.")
    try:
        await asyncio.to_thread(runtime.seed)
        await asyncio.gather(runtime.poller.run(stop), runtime.pipeline.run(stop))
    finally:
        await runtime.close()


@cli.command()
@click.argument("symbols", nargs=-1, required=True)
@click.option("--demo", is_flag=True, default=None, help="Ask the simulated provider.")
@click.pass_context
def quotes(ctx: click.Context, symbols: tuple[str, ...], demo: bool | None) -> None:
    """Fetch and print the latest quotes for SYMBOLS (e.g. SPX BTCUSD)."""
    settings = _settings(ctx, demo=demo)
    try:
        instruments = [settings.registry.get(s) for s in symbols]
    except UnknownInstrument as error:
        known = ", ".join(i.symbol for i in settings.registry)
        raise click.ClickException(f"{error}. Known: {known}") from error
    asyncio.run(_print_quotes(settings, [i.symbol for i in instruments]))


async def _print_quotes(settings: Settings, symbols: list[str]) -> None:
    from tickerwire import humanize
    from tickerwire.runtime import Runtime
    from tickerwire.web import format as fmt

    runtime = await Runtime.open(settings)
    try:
        instruments = [runtime.registry.get(s) for s in symbols]
        fetched = await runtime.poller.refresh(instruments)
        table = Table(title="Quotes")
        for column in ("Symbol", "Name", "Last", "Change", "% Change", "As of", "Provider"):
            table.add_column(column, justify="right" if column in ("Last", "Change") else "left")
        for instrument in instruments:
            quote = fetched.get(instrument.symbol)
            if quote is None:
                table.add_row(instrument.symbol, instrument.label, "—", "—", "—", "no data", "—")
                continue
            p = instrument.precision
            colour = {"up": "green", "down": "red"}.get(fmt.direction(quote.change, p), "")
            table.add_row(
                instrument.symbol,
                instrument.label,
                fmt.price(quote.price, p),
                f"[{colour}]{fmt.signed(quote.change, p)}[/]"
                if colour
                else fmt.signed(quote.change, p),
                fmt.percent(quote.change_percent),
                humanize.clock_time(quote.as_of, settings.timezone, runtime.now()),
                quote.provider,
            )
        console.print(table)
        if any(q.simulated for q in fetched.values()):
            console.print("[bold]SIMULATED[/]: a seeded random walk for the demo, not market data.")
        _report_failing_providers(runtime)
    finally:
        await runtime.close()


@cli.command()
@click.argument("symbols", nargs=-1, required=True)
@click.option("--range", "span", default="1y", show_default=True, help="e.g. 30d, 6mo, 5y, max")
@click.option("--demo", is_flag=True, default=None, help="Backfill from the simulated provider.")
@click.pass_context
def backfill(ctx: click.Context, symbols: tuple[str, ...], span: str, demo: bool | None) -> None:
    """Fill price history for SYMBOLS: daily bars for the whole range, finer bars for the
    recent part that charts show. Safe to rerun."""
    from tickerwire.markets import backfill as history

    settings = _settings(ctx, demo=demo)
    try:
        length = history.parse_span(span)
        instruments = [settings.registry.get(s) for s in symbols]
    except (ValueError, UnknownInstrument) as error:
        raise click.ClickException(str(error)) from error
    asyncio.run(_backfill(settings, instruments, length))


async def _backfill(settings: Settings, instruments: list[Any], length: Any) -> None:
    from tickerwire.cli_news import progress_bar
    from tickerwire.markets import backfill as history
    from tickerwire.runtime import Runtime

    runtime = await Runtime.open(settings)
    try:
        steps = history.plan(instruments, length, runtime.now())
        with progress_bar() as bar:
            task = bar.add_task("Backfilling", total=len(steps))

            def advance(step: history.BackfillStep, count: int) -> None:
                bar.update(task, advance=1, description=f"{step.label}: {count} bars")

            written = await history.run(steps, runtime.chain, runtime.markets, progress=advance)
        console.print(f"{written} bars written for {', '.join(i.symbol for i in instruments)}.")
        _report_failing_providers(runtime)
    finally:
        await runtime.close()


def _report_failing_providers(runtime: Any) -> None:
    for health in runtime.chain.health():
        if health.consecutive_failures and health.last_error:
            errors.print(f"[yellow]{health.name} failed: {health.last_error}[/]")


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Create or migrate the schema to the newest version (safe to rerun)."""
    from tickerwire.store import db as store_db

    settings = _settings(ctx.find_root())
    engine = store_db.make_engine(settings.effective_database_url)
    before = store_db.current_revision(engine)
    store_db.upgrade(engine)
    after = store_db.current_revision(engine)
    engine.dispose()
    console.print(f"Database at revision {after} (was {before or 'empty'}).")


def _register_news_commands() -> None:
    from tickerwire.cli_news import extract, feeds, tag

    cli.add_command(feeds)
    cli.add_command(extract)
    cli.add_command(tag)


_register_news_commands()


def main() -> None:
    cli(prog_name="tickerwire")
