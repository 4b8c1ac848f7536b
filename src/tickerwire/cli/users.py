"""``tickerwire users …``: readers' accounts from the command line (the first admin, say)."""

from __future__ import annotations

import sys

import click

from tickerwire import actions
from tickerwire.cli.common import console, fail, run, settings_from
from tickerwire.runtime import Runtime
from tickerwire.store.accounts import MemberRow


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
