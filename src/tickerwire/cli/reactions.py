"""``tickerwire reactions``: the market's reaction to articles, from the command line.

``measure`` runs the measuring task once (what the worker does every minute), ``show``
prints one article's prices at publication and its horizons, both through
:mod:`tickerwire.actions`, as the pages and the worker do."""

from __future__ import annotations

from datetime import datetime

import click
from rich.table import Table

from tickerwire import actions, humanize
from tickerwire.cli.common import console, outside, run, settings_from
from tickerwire.runtime import Runtime
from tickerwire.web import format as fmt
from tickerwire.web.reaction_views import horizon_view


@click.group()
def reactions() -> None:
    """Prices at publication and the moves after each article."""


@reactions.command()
@click.pass_context
def measure(ctx: click.Context) -> None:
    """Measure every horizon that is due now, once."""

    async def work(runtime: Runtime) -> actions.MeasureReport:
        return await actions.measure_reactions(runtime)

    report = run(settings_from(ctx), work)
    console.print(f"{report.measured} horizons measured, for {len(report.articles)} articles")


@reactions.command()
@click.argument("article_id", type=int)
@click.pass_context
def show(ctx: click.Context, article_id: int) -> None:
    """Print ARTICLE_ID's prices at publication and each horizon, measured or pending."""
    settings = settings_from(ctx)

    async def work(runtime: Runtime) -> tuple[actions.ArticleReaction, datetime]:
        return actions.article_reaction(runtime, article_id), runtime.now()

    found, now = run(settings, work)
    if not found.instruments:
        console.print(f"Nothing recorded for article {article_id}: no tagged instrument.")
        return
    for item in found.instruments:
        table = Table(title=outside(f"{item.instrument.label} ({item.instrument.symbol})"))
        for column in ("Horizon", "Move", "Benchmark", "Difference", "Start", "End"):
            table.add_column(column, justify="left" if column == "Horizon" else "right")
        at = item.at_publication
        if at is not None and at.price is not None and at.quote_time is not None:
            when = humanize.clock_time(at.quote_time, settings.timezone, now)
            price = fmt.price(at.price, item.instrument.precision)
            console.print(f"At publication: {price} ({at.source}, {when}), {at.market_state}")
        else:
            console.print("At publication: no price on record")
        for reaction in item.horizons:
            view = horizon_view(reaction, settings.timezone, now)
            table.add_row(
                view.label,
                view.status_text,
                view.benchmark_move_text,
                view.excess_text,
                fmt.price(view.start_price, item.instrument.precision),
                fmt.price(view.end_price, item.instrument.precision),
            )
        console.print(table)
    if found.simulated:
        console.print("[bold]SIMULATED[/]: prices from the demo's random walk, not a market.")
    console.print(found.disclaimer)
