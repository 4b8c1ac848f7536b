"""``tickerwire providers``: how each market-data source is doing, instrument by instrument."""

from __future__ import annotations

import click
from rich.table import Table
from rich.text import Text

from tickerwire import actions, humanize
from tickerwire.cli.common import console, fail, outside, progress_bar, run, settings_from
from tickerwire.runtime import Runtime
from tickerwire.web import format as fmt


@click.group()
def providers() -> None:
    """Market-data providers: probe them, see what the chain trusts."""


@providers.command()
@click.argument("symbols", nargs=-1)
@click.pass_context
def check(ctx: click.Context, symbols: tuple[str, ...]) -> None:
    """Ask every configured provider for every instrument it claims (or SYMBOLS) now and
    print: answered, latency, price, age, agreement with the others, the first line of any
    error. Exits 1 when some instrument has no working source."""

    async def work(runtime: Runtime) -> actions.ProviderCheck:
        with progress_bar("Probing") as advance:
            return await actions.check_providers(runtime, symbols, progress=advance)

    report = run(settings_from(ctx), work)
    console.print(check_table(report))
    if report.uncovered:
        fail(f"no working source for {', '.join(report.uncovered)}")
    console.print(f"Every instrument has a working source ({len(report.instruments)} checked).")


def check_table(report: actions.ProviderCheck) -> Table:
    table = Table(title="Providers check")
    columns = ("Instrument", "Provider", "Answered", "Latency", "Price", "Age", "Agreement")
    for column in (*columns, "Error"):
        table.add_column(column, justify="right" if column in ("Latency", "Price") else "left")
    precision = {i.symbol: i.precision for i in report.instruments}
    for probe in report.probes:
        agreement = probe.agreement or "—"
        style = "green" if agreement in ("trusted", "agrees", "alone") else "yellow"
        table.add_row(
            probe.symbol,
            probe.provider,
            Text("yes", style="green") if probe.answered else Text("no", style="red"),
            f"{probe.latency_ms:.0f} ms",
            fmt.price(probe.price, precision[probe.symbol]) if probe.price is not None else "—",
            humanize.ago(probe.as_of, report.checked_at) if probe.as_of else "—",
            Text(agreement, style=style if probe.answered else ""),
            outside(probe.error or ""),
        )
    return table


@providers.command()
@click.pass_context
def sources(ctx: click.Context) -> None:
    """Each instrument's chain and what the poller's chain last made of each source."""

    async def work(runtime: Runtime) -> list[actions.InstrumentSources]:
        return actions.provider_sources(runtime)

    report = run(settings_from(ctx), work)
    table = Table(title="Sources per instrument")
    for column in ("Instrument", "Chain", "Provider", "Verdict", "Price", "Why"):
        table.add_column(column, justify="right" if column == "Price" else "left")
    for entry in report:
        chain = " > ".join(entry.chain) or "none"
        if not entry.sources:
            table.add_row(entry.instrument.symbol, chain, "—", "not polled yet", "", "")
        for n, state in enumerate(entry.sources):
            price = fmt.price(state.price, entry.instrument.precision) if state.price else "—"
            table.add_row(
                entry.instrument.symbol if n == 0 else "",
                chain if n == 0 else "",
                state.provider,
                state.verdict,
                price,
                outside(state.reason or ""),
            )
    console.print(table)
