"""``tickerwire hosts …``: the private hosts user-supplied URLs may reach (LAN feeds, a
test server), the same list the admin console keeps at /admin/hosts."""

from __future__ import annotations

import click
from rich.table import Table
from rich.text import Text

from tickerwire import actions
from tickerwire.cli.common import console, run, settings_from
from tickerwire.runtime import Runtime


@click.group()
def hosts() -> None:
    """Private hosts that feed, page and image URLs may reach (an allowlist)."""


@hosts.command("list")
@click.pass_context
def hosts_list(ctx: click.Context) -> None:
    """The allowed hosts: those stored (changeable now) and the settings file's."""

    async def work(runtime: Runtime) -> actions.AllowedHosts:
        return actions.allowed_hosts(runtime)

    allowed = run(settings_from(ctx), work)
    if not allowed.stored and not allowed.from_settings:
        console.print("No private host is allowed: feeds must be on public addresses.")
        return
    table = Table(title="Allowed hosts")
    table.add_column("Host, IP or network", no_wrap=True)
    table.add_column("From")
    for row in allowed.stored:
        source = f"added by {row.added_by}" if row.added_by else "added"
        table.add_row(Text(row.entry), f"{source} {row.added_at:%Y-%m-%d %H:%M} UTC")
    for entry in allowed.from_settings:
        table.add_row(Text(entry), "settings (fetch.allow_hosts)")
    console.print(table)


@hosts.command("allow")
@click.argument("entry")
@click.pass_context
def hosts_allow(ctx: click.Context, entry: str) -> None:
    """Let fetches reach ENTRY (a host name, an IP address or a CIDR network such as
    192.168.1.0/24) even when it is private, on any port. Every process sees it within
    seconds; no restart."""

    async def work(runtime: Runtime) -> str:
        return actions.allow_host(runtime, entry)

    console.print(Text(f"Allowed {run(settings_from(ctx), work)}"))


@hosts.command("remove")
@click.argument("entry")
@click.pass_context
def hosts_remove(ctx: click.Context, entry: str) -> None:
    """Take ENTRY off the stored list; fetches to it are refused again if it is private."""

    async def work(runtime: Runtime) -> str:
        return actions.disallow_host(runtime, entry)

    console.print(Text(f"Removed {run(settings_from(ctx), work)}"))
