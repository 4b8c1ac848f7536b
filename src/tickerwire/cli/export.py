"""``tickerwire export``: a research export written to a file, with a progress bar."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

import click

from tickerwire import actions
from tickerwire.cli.common import console, fail, progress_bar, run, settings_from
from tickerwire.runtime import Runtime


def _format_of(fmt: str | None, out: Path | None) -> str:
    """The format asked for, else the one the file's name says, else CSV."""
    if fmt is not None:
        return fmt
    if out is not None and out.suffix.lower() in (".csv", ".parquet"):
        return out.suffix.lower().lstrip(".")
    return "csv"


def _write(runtime: Runtime, plan: actions.ExportPlan, target: Path) -> int:
    """Write beside ``target`` and move the file into place once whole, so a failed or
    interrupted export leaves no half-written file and an older export untouched."""
    if not target.parent.is_dir():
        fail(f"cannot write {target}: the folder {target.parent} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as sink, progress_bar("Exporting") as advance:
            rows = actions.run_export(runtime, plan, sink, advance)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return rows


@click.command("export")
@click.argument("dataset", metavar="bars|articles|prices|reactions")
@click.option("--format", "fmt", help="csv or parquet (default: from --out's name, else csv)")
@click.option("--symbols", help="comma-separated symbols, e.g. SPX,CL")
@click.option("--entities", help="comma-separated topic slugs, e.g. russia,opec")
@click.option("--since", help="first UTC day, YYYY-MM-DD (included)")
@click.option("--until", help="last UTC day, YYYY-MM-DD (included)")
@click.option("--interval", help="bars only: 1m, 5m, 1h or 1d")
@click.option("--with-bodies", is_flag=True, help="articles only: add each article's text")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="the file to write")
@click.pass_context
def export(
    ctx: click.Context,
    dataset: str,
    fmt: str | None,
    symbols: str | None,
    entities: str | None,
    since: str | None,
    until: str | None,
    interval: str | None,
    with_bodies: bool,
    out: Path | None,
) -> None:
    """Write DATASET as CSV or Parquet (columns: docs/export.md): price bars, articles
    (metadata and tags; --with-bodies adds the text), prices at publication, reactions.

    The file appears whole or not at all; exits 1 with a sentence on a bad filter."""

    async def work(runtime: Runtime) -> tuple[int, Path]:
        plan = actions.plan_export(
            runtime,
            dataset,
            _format_of(fmt, out),
            symbols=symbols,
            entities=entities,
            since=since,
            until=until,
            interval=interval,
            with_bodies=with_bodies,
        )
        target = out or Path(plan.filename)
        return await asyncio.to_thread(_write, runtime, plan, target), target

    rows, target = run(settings_from(ctx), work)
    console.print(f"{rows} rows written to {target}.", markup=False, highlight=False)
