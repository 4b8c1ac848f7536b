"""``tickerwire feeds …``: subscriptions, their state, refreshes, and OPML in and out."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import click
from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from tickerwire import actions, humanize
from tickerwire.actions import ActionError, RefreshReport, Step
from tickerwire.cli.common import (
    console,
    errors,
    fail,
    outside,
    progress_bar,
    run,
    settings_from,
    visible,
)
from tickerwire.net.redact import redact_url
from tickerwire.news.continuity import feed_notes
from tickerwire.news.pipeline import LEASE
from tickerwire.runtime import Runtime
from tickerwire.store.news import FeedRow

#: From these console widths up, ``feeds list`` adds the URL and then the last fetch.
URL_FROM = 110
LAST_FETCH_FROM = 140


LEASE_MINUTES = int(LEASE.total_seconds() // 60)


@click.group()
def feeds() -> None:
    """Subscribe to publishers' feeds (RSS, Atom, JSON Feed) and see how they are doing."""


@feeds.command("add")
@click.argument("url")
@click.option("--title", default="", help="A name to show until the feed gives its own.")
@click.option("--no-fetch", is_flag=True, help="Only subscribe; fetch on the next cycle.")
@click.pass_context
def feeds_add(ctx: click.Context, url: str, title: str, no_fetch: bool) -> None:
    """Subscribe to the feed at URL and fetch it once.

    URL may be a publisher's page: the first feed it names (<link rel="alternate">) is
    subscribed to. Exits 1 when the first fetch fails; the feed stays subscribed.
    """

    async def work(runtime: Runtime) -> tuple[actions.Subscription, datetime]:
        with errors.status(f"Fetching {escape(visible(url))} …"):
            subscribed = await actions.subscribe(runtime, url, title=title, fetch=not no_fetch)
        return subscribed, runtime.now()

    subscribed, now = run(settings_from(ctx), work)
    feed = subscribed.feed
    line = Text(f"Subscribed: feed {feed.id} ").append_text(outside(feed.url))
    if subscribed.found_on is not None:
        line.append(" (the feed named by ").append_text(outside(subscribed.found_on)).append(")")
    console.print(line)
    first = subscribed.first_fetch
    if first is None:
        return
    if first.status == "error":
        retry = humanize.until(first.next_fetch_at, now)
        fail(
            f"the first fetch of feed {feed.id} failed: {first.error}; it stays subscribed "
            f"and is retried {retry}"
        )
    console.print(f"{first.new_entries} new entries.")


@feeds.command("list")
@click.pass_context
def feeds_list(ctx: click.Context) -> None:
    """Every feed with its state, next fetch and last error."""

    async def work(runtime: Runtime) -> tuple[list[tuple[FeedRow, int]], datetime]:
        rows = [(f, runtime.news.entry_count(f.id)) for f in runtime.news.feeds()]
        return rows, runtime.now()

    rows, now = run(settings_from(ctx), work)
    console.print(feeds_report(rows, now, console.width))


def feeds_report(rows: list[tuple[FeedRow, int]], now: datetime, width: int) -> Group:
    """The feeds as a table that fits ``width`` (columns drop as it narrows; nothing is
    folded into a tall cell), then each feed's last error on lines of its own."""
    table = Table(title="Feeds", expand=False)
    table.add_column("ID", justify="right", no_wrap=True)
    table.add_column("Title", overflow="fold", min_width=12)
    if width >= URL_FROM:
        table.add_column("URL", no_wrap=True, overflow="ellipsis", max_width=50)
    table.add_column("State", no_wrap=True)
    table.add_column("Entries", justify="right", no_wrap=True)
    if width >= LAST_FETCH_FROM:
        table.add_column("Last fetch", no_wrap=True)
    table.add_column("Next fetch", no_wrap=True)
    for feed, entries in rows:
        colour = {"error": "red", "ok": "green"}.get(feed.state, "")
        cells = [Text(str(feed.id)), _title_cell(feed, with_url_column=width >= URL_FROM)]
        if width >= URL_FROM:
            cells.append(outside(feed.url))
        cells += [Text(feed.state, style=colour), Text(str(entries))]
        if width >= LAST_FETCH_FROM:
            cells.append(Text(humanize.ago(feed.last_fetch_at, now)))
        cells.append(Text(humanize.until(feed.next_fetch_at, now, due="due now")))
        table.add_row(*cells)
    failing = [
        Text(f"feed {feed.id}: ", style="red").append_text(outside(feed.last_error))
        for feed, _ in rows
        if feed.last_error
    ]
    notes = [
        Text(f"feed {feed.id}: ", style="yellow").append(note)
        for feed, _ in rows
        for note in feed_notes(feed)
    ]
    return Group(table, *failing, *notes)


def _title_cell(feed: FeedRow, *, with_url_column: bool) -> Text:
    """The title; a feed not fetched yet has none, and then its URL stands in, on one
    line, cut with an ellipsis rather than folded into a tall cell."""
    if feed.title:
        return outside(feed.title)
    if with_url_column:
        return Text("—")
    cell = outside(feed.url)
    cell.no_wrap, cell.overflow = True, "ellipsis"
    return cell


@feeds.command("remove")
@click.argument("feed", metavar="ID_OR_URL")
@click.pass_context
def feeds_remove(ctx: click.Context, feed: str) -> None:
    """Unsubscribe from a feed (its stored articles stay)."""

    async def work(runtime: Runtime) -> FeedRow:
        return actions.unsubscribe(runtime, feed)

    removed = run(settings_from(ctx), work)
    console.print(Text(f"Removed feed {removed.id} ").append_text(outside(removed.url)))


@feeds.command("pause")
@click.argument("feed", metavar="ID_OR_URL")
@click.pass_context
def feeds_pause(ctx: click.Context, feed: str) -> None:
    """Stop fetching a feed on its schedule (its articles stay; resume undoes it)."""

    async def work(runtime: Runtime) -> FeedRow:
        return actions.pause_feed(runtime, feed)

    paused = run(settings_from(ctx), work)
    console.print(Text(f"Paused feed {paused.id} ").append_text(outside(paused.url)))


@feeds.command("resume")
@click.argument("feed", metavar="ID_OR_URL")
@click.pass_context
def feeds_resume(ctx: click.Context, feed: str) -> None:
    """Fetch a paused feed on its schedule again."""

    async def work(runtime: Runtime) -> FeedRow:
        return actions.resume_feed(runtime, feed)

    resumed = run(settings_from(ctx), work)
    console.print(Text(f"Resumed feed {resumed.id} ").append_text(outside(resumed.url)))


@feeds.command("refresh")
@click.argument("which", nargs=-1, metavar="[ID_OR_URL]...")
@click.pass_context
def feeds_refresh(ctx: click.Context, which: tuple[str, ...]) -> None:
    """Fetch feeds now (all of them but the paused by default), with a progress bar.
    Exits 1 when any feed failed."""

    async def work(runtime: Runtime) -> RefreshReport:
        chosen = [actions.find_feed(runtime, w) for w in which] if which else None
        with progress_bar("Fetching feeds") as advance:
            return await actions.refresh_feeds(runtime, chosen, progress=advance)

    report = run(settings_from(ctx), work)
    _print_refresh(report)
    if report.failed:
        fail(f"{len(report.failed)} of {len(report.results)} feeds failed to fetch")


def _print_refresh(report: RefreshReport) -> None:
    console.print(
        f"{len(report.results)} feeds fetched, {report.new_entries} new entries, "
        f"{len(report.failed)} failed."
    )
    for feed in report.busy:
        errors.print(
            f"feed {feed.id} skipped: another process is refreshing it (a run that was killed "
            f"holds it for up to {LEASE_MINUTES} min)"
        )
    for result in report.failed:
        errors.print(outside(f"{redact_url(result.url)}: {result.error}", style="yellow"))


@feeds.command("import")
@click.argument("opml_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--no-fetch", is_flag=True, help="Only subscribe; fetch on the next cycle.")
@click.pass_context
def feeds_import(ctx: click.Context, opml_file: Path, no_fetch: bool) -> None:
    """Subscribe to every feed in an OPML file, then fetch them. Exits 1 when nothing in
    the file could be subscribed to."""
    content = opml_file.read_bytes()

    async def work(runtime: Runtime) -> actions.ImportReport:
        bar: contextlib.AbstractContextManager[Callable[[Step], None] | None] = (
            contextlib.nullcontext() if no_fetch else progress_bar("Fetching feeds")
        )
        try:
            with bar as advance:
                return await actions.import_opml(
                    runtime, content, fetch=not no_fetch, progress=advance
                )
        except ActionError as refusal:
            raise ActionError(f"{opml_file}: {refusal}") from None

    report = run(settings_from(ctx), work)
    console.print(f"{len(report.added)} feeds added, {len(report.skipped)} skipped.")
    for skipped in report.skipped:
        errors.print(outside(f"  skipped {skipped.url}: {skipped.reason}"))
    if report.limit_note is not None:
        errors.print(f"  {report.limit_note}")
    if report.refreshed is not None:
        _print_refresh(report.refreshed)
    if not report.added:
        fail(f"nothing imported from {opml_file}: it lists no feed that could be subscribed to")


@feeds.command("export")
@click.argument("output", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def feeds_export(ctx: click.Context, output: Path | None) -> None:
    """Write every subscription as OPML, to OUTPUT or standard output."""

    async def work(runtime: Runtime) -> bytes:
        return actions.export_subscriptions(runtime)

    document = run(settings_from(ctx), work)
    if output is None:
        sys.stdout.buffer.write(document)
    else:
        output.write_bytes(document)
        errors.print(outside(f"Wrote {output}"))
