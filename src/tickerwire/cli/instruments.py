"""``tickerwire instruments``: track instruments beyond the sixteen, found by symbol search."""

from __future__ import annotations

from dataclasses import replace

import click
from rich.table import Table

from tickerwire import actions
from tickerwire.cli.common import console, outside, run, settings_from
from tickerwire.markets.search import Candidate, Proposal
from tickerwire.runtime import Runtime


@click.group()
def instruments() -> None:
    """Instruments beyond the defaults: search a provider's symbols, add one."""


@instruments.command()
@click.argument("query", nargs=-1, required=True)
@click.pass_context
def search(ctx: click.Context, query: tuple[str, ...]) -> None:
    """Search Yahoo's symbols for QUERY (a name or a symbol)."""

    async def work(runtime: Runtime) -> list[Candidate]:
        return await actions.search_instruments(runtime, " ".join(query))

    found = run(settings_from(ctx), work)
    table = Table(title="Symbols found")
    for column in ("Yahoo symbol", "Name", "Kind", "Exchange"):
        table.add_column(column)
    for candidate in found:
        table.add_row(
            outside(candidate.yahoo_symbol),
            outside(candidate.name),
            candidate.kind.lower(),
            outside(candidate.exchange_name),
        )
    console.print(table if found else "Nothing found.")


@instruments.command()
@click.argument("yahoo_symbol")
@click.option("--calendar", help="Exchange calendar code, when the inferred one is wrong.")
@click.option("--currency", help="Three-letter currency code, when the inferred one is wrong.")
@click.option("--precision", type=click.IntRange(0, 8), help="Decimals shown.")
@click.option("--yes", is_flag=True, help="Add without asking to confirm.")
@click.pass_context
def add(
    ctx: click.Context,
    yahoo_symbol: str,
    calendar: str | None,
    currency: str | None,
    precision: int | None,
    yes: bool,
) -> None:
    """Add YAHOO_SYMBOL (as search names it): its calendar, currency and precision are
    inferred and shown to confirm; its history is backfilled."""
    settings = settings_from(ctx)

    async def propose(runtime: Runtime) -> Proposal:
        return await actions.propose_instrument(runtime, yahoo_symbol)

    proposal = run(settings, propose)
    proposal = replace(
        proposal,
        calendar=calendar or proposal.calendar,
        currency=currency or proposal.currency,
        precision=proposal.precision if precision is None else precision,
    )
    console.print(
        f"{proposal.symbol}: {outside(proposal.name)}, {proposal.asset_class.value}, "
        f"calendar {proposal.calendar or '(unknown: give --calendar)'}, {proposal.currency}, "
        f"{proposal.precision} decimals, sources {', '.join(proposal.provider_symbols)}"
    )
    if not yes:
        click.confirm("Add it?", abort=True)

    async def add_it(runtime: Runtime) -> actions.AddedInstrument:
        return await actions.add_instrument(runtime, proposal)

    added = run(settings, add_it)
    console.print(
        f"Added {added.instrument.symbol}: {added.bars_written} bars of history; "
        f"its page is /quote/{added.instrument.symbol}."
    )
