"""``tickerwire quotes`` and ``tickerwire backfill``: the markets flow, on demand."""

from __future__ import annotations

from datetime import datetime

import click
from rich.table import Table
from rich.text import Text

from tickerwire import actions, humanize
from tickerwire.actions import ProviderFailure
from tickerwire.cli.common import console, errors, fail, outside, progress_bar, run, settings_from
from tickerwire.runtime import Runtime
from tickerwire.web import format as fmt


@click.command()
@click.argument("symbols", nargs=-1, required=True)
@click.option("--demo", is_flag=True, default=None, help="Ask the simulated provider.")
@click.pass_context
def quotes(ctx: click.Context, symbols: tuple[str, ...], demo: bool | None) -> None:
    """Fetch and print the latest quotes for SYMBOLS (e.g. SPX BTCUSD).

    Exits 1 when any symbol got no quote from any provider.
    """

    async def work(runtime: Runtime) -> actions.QuoteReport:
        return await actions.refresh_quotes(runtime, symbols)

    settings = settings_from(ctx, demo=demo)
    report = run(settings, work)
    console.print(_quote_table(report, settings.timezone))
    if any(q.simulated for q in report.quotes.values()):
        console.print("[bold]SIMULATED[/]: a seeded random walk for the demo, not market data.")
    _print_failing(report.failing, report.checked_at)
    if report.missing:
        names = ", ".join(i.symbol for i in report.missing)
        fail(f"no quote for {names}: every provider that knows them failed")


def _quote_table(report: actions.QuoteReport, zone: str) -> Table:
    table = Table(title="Quotes")
    for column in ("Symbol", "Name", "Last", "Change", "% Change", "As of", "Provider"):
        table.add_column(column, justify="right" if column in ("Last", "Change") else "left")
    for instrument in report.instruments:
        quote = report.quotes.get(instrument.symbol)
        if quote is None:
            table.add_row(instrument.symbol, instrument.label, "—", "—", "—", "no data", "—")
            continue
        p = instrument.precision
        colour = {"up": "green", "down": "red"}.get(fmt.direction(quote.change, p), "")
        table.add_row(
            instrument.symbol,
            instrument.label,
            fmt.price(quote.price, p),
            Text(fmt.signed(quote.change, p), style=colour),
            fmt.percent(quote.change_percent),
            humanize.clock_time(quote.as_of, zone, report.checked_at),
            quote.provider,
        )
    return table


@click.command()
@click.argument("symbols", nargs=-1, required=True)
@click.option("--range", "span", default="1y", show_default=True, help="e.g. 30d, 6mo, 5y, max")
@click.option("--demo", is_flag=True, default=None, help="Backfill from the simulated provider.")
@click.pass_context
def backfill(ctx: click.Context, symbols: tuple[str, ...], span: str, demo: bool | None) -> None:
    """Fill price history for SYMBOLS: daily bars for the whole range, finer bars for the
    recent part that charts show. Safe to rerun; exits 1 when no provider gave any bars."""

    async def work(runtime: Runtime) -> actions.BackfillReport:
        with progress_bar("Backfilling") as advance:
            return await actions.backfill(runtime, symbols, span, progress=advance)

    report = run(settings_from(ctx, demo=demo), work)
    symbols_text = ", ".join(i.symbol for i in report.instruments)
    console.print(f"{report.bars_written} bars written for {symbols_text}.")
    _print_failing(report.failing, report.checked_at)
    if not report.bars_written:
        fail(f"no bars written for {symbols_text}: no provider had history for them")


def _print_failing(failing: list[ProviderFailure], now: datetime) -> None:
    for failure in failing:
        line = outside(f"{failure.name} failed: {failure.error}", style="yellow")
        if failure.retry_at is not None:
            line.append(f" (retrying {humanize.until(failure.retry_at, now)})")
        errors.print(line)
