"""The news commands of the CLI: ``tickerwire feeds …`` and ``tickerwire extract``.

Thin doors onto :class:`~tickerwire.news.pipeline.NewsPipeline` and the store, with
progress bars for anything that may take a while.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tickerwire import humanize
from tickerwire.config import Settings
from tickerwire.news.urls import safe_url
from tickerwire.runtime import Runtime
from tickerwire.store.news import FeedExists, FeedRow

console = Console()
errors = Console(stderr=True)
T = TypeVar("T")


def run_with_runtime(settings: Settings, work: Callable[[Runtime], Awaitable[T]]) -> T:
    async def main() -> T:
        runtime = await Runtime.open(settings)
        try:
            return await work(runtime)
        finally:
            await runtime.close()

    return asyncio.run(main())


def progress_bar() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=False,
    )


def _find_feed(runtime: Runtime, which: str) -> FeedRow:
    if which.isdigit():
        try:
            return runtime.news.feed(int(which))
        except KeyError:
            message = f"no feed with id {which} (see `tickerwire feeds list`)"
            raise click.ClickException(message) from None
    found = runtime.news.feed_by_url(which)
    if found is None:
        raise click.ClickException(f"not subscribed to {which} (see `tickerwire feeds list`)")
    return found


def checked_url(url: str) -> str:
    safe = safe_url(url.strip())
    if safe is None:
        raise click.ClickException(f"{url!r} is not an http(s) URL")
    return safe


@click.group()
def feeds() -> None:
    """Subscribe to publishers' feeds (RSS, Atom, JSON Feed) and see how they are doing."""


@feeds.command("add")
@click.argument("url")
@click.option("--title", default="", help="A name to show until the feed gives its own.")
@click.option("--no-fetch", is_flag=True, help="Only subscribe; fetch on the next cycle.")
@click.pass_context
def feeds_add(ctx: click.Context, url: str, title: str, no_fetch: bool) -> None:
    """Subscribe to the feed at URL and fetch it once."""
    from tickerwire.cli import settings_from

    target = checked_url(url)

    async def work(runtime: Runtime) -> None:
        try:
            feed = runtime.news.add_feed(target, title=title, now=runtime.now())
        except FeedExists as exists:
            raise click.ClickException(str(exists)) from None
        console.print(f"Subscribed: feed {feed.id} {feed.url}")
        if no_fetch:
            return
        with errors.status(f"Fetching {feed.url} …"):
            result = await runtime.pipeline.refresh_feed(feed)
        if result.status == "error":
            errors.print(f"[yellow]First fetch failed: {result.error}[/]")
            errors.print(
                f"It will be retried {humanize.until(result.next_fetch_at, runtime.now())}."
            )
        else:
            console.print(f"{result.new_entries} new entries.")

    run_with_runtime(settings_from(ctx), work)


@feeds.command("list")
@click.pass_context
def feeds_list(ctx: click.Context) -> None:
    """Every feed with its state, last and next fetch, and last error."""
    from tickerwire.cli import settings_from

    async def work(runtime: Runtime) -> None:
        now = runtime.now()
        table = Table(title="Feeds")
        for column in ("ID", "Title", "URL", "State", "Entries", "Last fetch", "Next fetch"):
            table.add_column(column, overflow="fold")
        table.add_column("Last error", overflow="fold")
        for feed in runtime.news.feeds():
            colour = {"error": "red", "ok": "green"}.get(feed.state, "")
            table.add_row(
                str(feed.id),
                feed.title or "—",
                feed.url,
                f"[{colour}]{feed.state}[/]" if colour else feed.state,
                str(runtime.news.entry_count(feed.id)),
                humanize.ago(feed.last_fetch_at, now),
                humanize.until(feed.next_fetch_at, now, due="due now"),
                feed.last_error or "",
            )
        console.print(table)

    run_with_runtime(settings_from(ctx), work)


@feeds.command("remove")
@click.argument("feed", metavar="ID_OR_URL")
@click.pass_context
def feeds_remove(ctx: click.Context, feed: str) -> None:
    """Unsubscribe from a feed (its stored articles stay)."""
    from tickerwire.cli import settings_from

    async def work(runtime: Runtime) -> None:
        found = _find_feed(runtime, feed)
        runtime.news.remove_feed(found.id)
        console.print(f"Removed feed {found.id} {found.url}")

    run_with_runtime(settings_from(ctx), work)


@feeds.command("refresh")
@click.argument("which", nargs=-1, metavar="[ID_OR_URL]...")
@click.pass_context
def feeds_refresh(ctx: click.Context, which: tuple[str, ...]) -> None:
    """Fetch feeds now (all of them by default), with a progress bar."""
    from tickerwire.cli import settings_from

    async def work(runtime: Runtime) -> None:
        chosen = [_find_feed(runtime, w) for w in which] if which else runtime.news.feeds()
        await _refresh_with_progress(runtime, chosen)

    run_with_runtime(settings_from(ctx), work)


async def _refresh_with_progress(runtime: Runtime, chosen: list[FeedRow]) -> None:
    failed = 0
    with progress_bar() as bar:
        task = bar.add_task("Fetching feeds", total=len(chosen))

        def advance(result: Any) -> None:
            nonlocal failed
            failed += result.status == "error"
            bar.advance(task)

        results = await runtime.pipeline.refresh_many(chosen, progress=advance)
    new = sum(r.new_entries for r in results)
    console.print(f"{len(results)} feeds fetched, {new} new entries, {failed} failed.")
    for result in results:
        if result.status == "error":
            errors.print(f"[yellow]{result.url}: {result.error}[/]")


@feeds.command("import")
@click.argument("opml_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--no-fetch", is_flag=True, help="Only subscribe; fetch on the next cycle.")
@click.pass_context
def feeds_import(ctx: click.Context, opml_file: Path, no_fetch: bool) -> None:
    """Subscribe to every feed in an OPML file, then fetch them."""
    from tickerwire.cli import settings_from
    from tickerwire.news.parse.opml import OpmlError, parse_opml

    settings = settings_from(ctx)
    content = opml_file.read_bytes()
    if len(content) > settings.fetch.opml_max_bytes:
        raise click.ClickException(f"{opml_file} is larger than the OPML limit")
    try:
        outlines = parse_opml(content)
    except OpmlError as error:
        raise click.ClickException(f"{opml_file}: {error}") from error

    async def work(runtime: Runtime) -> None:
        added: list[FeedRow] = []
        skipped: list[str] = []
        with progress_bar() as bar:
            task = bar.add_task("Subscribing", total=len(outlines))
            for outline in outlines:
                url = safe_url(outline.xml_url)
                if url is None:
                    skipped.append(f"{outline.xml_url!r}: not an http(s) URL")
                else:
                    try:
                        added.append(
                            runtime.news.add_feed(url, title=outline.title, now=runtime.now())
                        )
                    except FeedExists:
                        skipped.append(f"{url}: already subscribed")
                bar.advance(task)
        console.print(f"{len(added)} feeds added, {len(skipped)} skipped.")
        for reason in skipped:
            errors.print(f"  skipped {reason}")
        if added and not no_fetch:
            await _refresh_with_progress(runtime, added)

    run_with_runtime(settings, work)


@feeds.command("export")
@click.argument("output", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def feeds_export(ctx: click.Context, output: Path | None) -> None:
    """Write every subscription as OPML, to OUTPUT or standard output."""
    from tickerwire.cli import settings_from
    from tickerwire.news.parse.opml import export_opml

    async def work(runtime: Runtime) -> bytes:
        rows = [(f.title or f.url, f.url, f.site_url) for f in runtime.news.feeds()]
        return export_opml(rows, title="Tickerwire subscriptions")

    document = run_with_runtime(settings_from(ctx), work)
    if output is None:
        sys.stdout.buffer.write(document)
    else:
        output.write_bytes(document)
        errors.print(f"Wrote {output}")


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", help="The page's original URL, to resolve relative links.")
def extract(paths: tuple[Path, ...], url: str | None) -> None:
    """Extract articles from saved pages (plain or .gz): one JSON object per line.

    A page that fails gives a line with an "error" field; the rest go on.
    """
    from tickerwire.news.extract.article import extract_file

    for path in paths:
        if not path.is_file():
            line: dict[str, Any] = {"source": str(path), "error": "no such file"}
        else:
            line = extract_file(path, url=url)
        click.echo(json.dumps(line, ensure_ascii=False))


@click.command()
@click.option("--title", help="A headline to tag with the text (it counts like the body).")
@click.pass_context
def tag(ctx: click.Context, title: str | None) -> None:
    """Read text on standard input; print the instruments and entities it names, as JSON."""
    from tickerwire.cli import settings_from
    from tickerwire.news.tag.tagger import Tagger

    text = sys.stdin.read()
    tagger = Tagger(settings_from(ctx).registry)
    click.echo(json.dumps(tagger.tag(text, title=title).to_json(), ensure_ascii=False))
