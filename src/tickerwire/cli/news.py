"""``tickerwire extract`` and ``tickerwire tag``: the news stages on local input."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from tickerwire.cli.common import fail, progress_bar, run, settings_from
from tickerwire.config import Settings


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", help="The page's original URL, to resolve relative links.")
def extract(paths: tuple[Path, ...], url: str | None) -> None:
    """Extract articles from saved pages (plain or .gz): one JSON object per line.

    A page that fails gives a line with an "error" field and the rest go on; a file that
    is missing makes the exit code 1, after every line is printed.
    """
    from tickerwire.news.extract.article import extract_file

    missing = []
    for path in paths:
        if not path.is_file():
            line: dict[str, Any] = {"source": str(path), "error": "no such file"}
            missing.append(str(path))
        else:
            line = extract_file(path, url=url)
        click.echo(json.dumps(line, ensure_ascii=False))
    if missing:
        fail(f"no such file: {', '.join(missing)}")


@click.command()
@click.option("--title", help="A headline to tag with the text (it counts more than the body).")
@click.option(
    "--all",
    "every_article",
    is_flag=True,
    help="Instead: tag every stored article again (after changing the alias tables).",
)
@click.pass_context
def tag(ctx: click.Context, title: str | None, every_article: bool) -> None:
    """Read text on standard input; print the instruments and entities it names, with how
    often and how relevant, as JSON. With --all, re-tag the stored articles instead."""
    settings = settings_from(ctx)  # refuses an unreadable tagging.extra_aliases in a sentence
    if every_article:
        _retag(settings)
    else:
        _tag_stdin(settings, title)


def _tag_stdin(settings: Settings, title: str | None) -> None:
    from tickerwire.news.tag.tagger import Tagger

    text = sys.stdin.read()
    tagger = Tagger(settings.registry, extra_aliases=settings.tagging.extra_aliases)
    click.echo(json.dumps(tagger.tag(text, title=title).to_json(), ensure_ascii=False))


def _retag(settings: Settings) -> None:
    from tickerwire import actions
    from tickerwire.runtime import Runtime

    async def work(runtime: Runtime) -> actions.Retagged:
        with progress_bar("Tagging articles") as advance:
            return actions.retag_articles(runtime, progress=advance)

    click.echo(f"Tagged {run(settings, work).articles} articles again.")
