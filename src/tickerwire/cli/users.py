"""``tickerwire users …``: readers' accounts from the command line: the first admin,
invitations, disabling a member, making one an admin. Each command is one action of
:mod:`tickerwire.actions`, the same the admin console calls."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime

import click
from rich.table import Table
from rich.text import Text

from tickerwire import actions, humanize
from tickerwire.cli.common import console, fail, outside, run, settings_from
from tickerwire.runtime import Runtime
from tickerwire.store.accounts import InviteRow, MemberListing, MemberRow


@click.group()
def users() -> None:
    """Readers' accounts."""


def _password(from_stdin: bool) -> str:
    """The password: the first line of stdin, or typed twice at a hidden prompt."""
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            fail("--password-stdin read no password: give it on the first line of stdin")
        return line
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@users.command("create")
@click.argument("username")
@click.option("--admin", is_flag=True, help="Make the account an admin.")
@click.option("--email", default="", help="An email address (optional).")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from stdin instead of a prompt."
)
@click.pass_context
def users_create(
    ctx: click.Context, username: str, admin: bool, email: str, password_stdin: bool
) -> None:
    """Create the account USERNAME; the password is prompted for (typed twice).

    Exits 1 when the username is taken or does not follow the rules, or the password is
    too short or too long.
    """
    settings = settings_from(ctx)
    password = _password(password_stdin)

    async def work(runtime: Runtime) -> MemberRow:
        return actions.create_member(runtime, username, password, email=email, admin=admin)

    member = run(settings, work)
    console.print(f"Created {member.role} {member.username} (account {member.id}).")


@users.command("invite")
@click.option(
    "--days",
    type=click.IntRange(1, 365),
    default=None,
    help="Days it lasts (accounts.invite_days).",
)
@click.option("--note", default="", help="Who it is for, shown in `users invites`.")
@click.pass_context
def users_invite(ctx: click.Context, days: int | None, note: str) -> None:
    """Make a single-use invitation code for sign-up; it is shown once, here."""
    settings = settings_from(ctx)

    async def work(runtime: Runtime) -> actions.Invitation:
        return actions.invite_member(runtime, days=days, note=note)

    invitation = run(settings, work)
    console.print(f"Invitation {invitation.id}: {invitation.code}", highlight=False)
    console.print(f"Sign up at {invitation.path}", highlight=False)
    console.print(f"It works once, until {invitation.expires_at:%Y-%m-%d %H:%M} UTC.")
    if settings.accounts.signup != "invite":
        console.print(
            f"Note: accounts.signup is {settings.accounts.signup}, so the code is not asked "
            "for; set it to invite."
        )


@users.command("invites")
@click.pass_context
def users_invites(ctx: click.Context) -> None:
    """List the invitations: open, used (by whom) or expired."""

    async def work(runtime: Runtime) -> tuple[list[InviteRow], datetime]:
        return actions.list_invites(runtime), runtime.now()

    rows, now = run(settings_from(ctx), work)
    table = Table(title="Invitations")
    for column in ("ID", "Note", "Made", "By", "State"):
        table.add_column(column, no_wrap=column != "Note")
    for row in rows:
        if row.used_at is not None:
            state = f"used by {row.used_by or 'a deleted account'}"
        elif row.expires_at <= now:
            state = "expired"
        else:
            state = f"open, expires {humanize.until(row.expires_at, now)}"
        table.add_row(
            str(row.id),
            outside(row.note or ""),
            humanize.ago(row.created_at, now),
            outside(row.created_by or ""),
            state,
        )
    console.print(table)


@users.command("revoke-invite")
@click.argument("invite_id", type=int)
@click.pass_context
def users_revoke_invite(ctx: click.Context, invite_id: int) -> None:
    """Make the unused invitation INVITE_ID unusable."""

    async def work(runtime: Runtime) -> None:
        actions.revoke_invite(runtime, invite_id)

    run(settings_from(ctx), work)
    console.print(f"Invitation {invite_id} can no longer be used.")


@users.command("list")
@click.pass_context
def users_list(ctx: click.Context) -> None:
    """List the accounts: role, whether disabled, live sessions, last seen."""

    async def work(runtime: Runtime) -> tuple[list[MemberListing], datetime]:
        return actions.list_members(runtime), runtime.now()

    rows, now = run(settings_from(ctx), work)
    table = Table(title="Accounts")
    for column in ("ID", "Username", "Role", "State", "Sessions", "Last seen", "Created"):
        table.add_column(column, no_wrap=True)
    for row in rows:
        table.add_row(
            str(row.id),
            Text(row.username),
            row.role,
            Text("disabled", style="red") if row.disabled else Text("active"),
            str(row.sessions),
            humanize.ago(row.last_seen_at, now),
            humanize.ago(row.created_at, now),
        )
    console.print(table)


def _change(ctx: click.Context, act: Callable[[Runtime], MemberListing], done: str) -> None:
    """Do ``act`` and say what became of the member."""

    async def work(runtime: Runtime) -> MemberListing:
        return act(runtime)

    member = run(settings_from(ctx), work)
    console.print(f"{member.username} {done}.", highlight=False)


@users.command("disable")
@click.argument("username")
@click.pass_context
def users_disable(ctx: click.Context, username: str) -> None:
    """Disable USERNAME: no sign-in, and every session of theirs ends now."""
    _change(
        ctx,
        lambda runtime: actions.disable_member(runtime, username),
        "is disabled and signed out everywhere",
    )


@users.command("enable")
@click.argument("username")
@click.pass_context
def users_enable(ctx: click.Context, username: str) -> None:
    """Let a disabled USERNAME sign in again."""
    _change(ctx, lambda runtime: actions.enable_member(runtime, username), "may sign in again")


@users.command("promote")
@click.argument("username")
@click.option("--member", "to_member", is_flag=True, help="Make an admin a member again.")
@click.pass_context
def users_promote(ctx: click.Context, username: str, to_member: bool) -> None:
    """Make USERNAME an admin (or, with --member, a member again; the last admin stays)."""
    role = "member" if to_member else "admin"
    _change(ctx, lambda runtime: actions.set_role(runtime, username, role), f"is now {role}")
