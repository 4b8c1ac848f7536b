"""The command line: ``tickerwire --help``.

Each command is a thin door onto :mod:`tickerwire.actions` (or, for the long-running
processes, the Runtime itself): the group lives here, what every command shares in
:mod:`tickerwire.cli.common`, and each group of commands in a module of its own. The
modules import ``common`` and nothing here, so there is no import loop.
"""

from __future__ import annotations

import click

from tickerwire import __version__
from tickerwire.cli import (
    db,
    export,
    feeds,
    hosts,
    instruments,
    markets,
    news,
    providers,
    reactions,
    serve,
    users,
)
from tickerwire.cli.common import setup_logging


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tickerwire")
@click.option("--database-url", help="SQLAlchemy URL (default: SQLite in the data folder).")
@click.option("-v", "--verbose", is_flag=True, help="Log everything, libraries included.")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None, verbose: bool) -> None:
    """Tickerwire: markets and the news that moves them, self-hosted."""
    setup_logging(verbose)
    ctx.obj = {"database_url": database_url} if database_url else {}


for command in (
    serve.serve,
    serve.worker,
    markets.quotes,
    markets.backfill,
    providers.providers,
    instruments.instruments,
    feeds.feeds,
    hosts.hosts,
    news.extract,
    news.tag,
    reactions.reactions,
    users.users,
    export.export,
    db.db,
):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="tickerwire")
