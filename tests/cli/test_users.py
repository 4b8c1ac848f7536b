"""``tickerwire users …``: the first admin, invitations, disabling and promoting members,
the list; every refusal a sentence with exit 1."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from support.runtimes import opened_runtime
from tickerwire import actions
from tickerwire.cli import cli
from tickerwire.config import Settings
from tickerwire.store import db
from tickerwire.store.accounts import AccountStore

pytestmark = pytest.mark.usefixtures("cheap_hashes")
PASSWORD = "correct horse battery"


def users(database_url: str, *args: str, stdin: str = "") -> tuple[int, str, str]:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(
        cli, ["--database-url", database_url, "users", *args], input=stdin
    )
    return result.exit_code, result.stdout, result.stderr


def create(database_url: str, *args: str, stdin: str = f"{PASSWORD}\n") -> tuple[int, str, str]:
    return users(database_url, "create", *args, stdin=stdin)


def role_of(database_url: str, key: str) -> str | None:
    engine = db.make_engine(database_url)
    try:
        member = AccountStore(engine).member_by_key(key)
    finally:
        engine.dispose()
    return None if member is None else member.role


def test_users_create_admin_makes_the_first_admin(database_url: str) -> None:
    code, out, _ = create(database_url, "--admin", "Root", "--password-stdin")
    assert code == 0 and "Created admin Root" in out
    assert role_of(database_url, "root") == "admin"


def test_users_create_prompts_twice_for_the_password(database_url: str) -> None:
    code, out, _ = create(database_url, "ada", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert code == 0 and "Created member ada" in out


def test_a_taken_username_exits_1(database_url: str) -> None:
    create(database_url, "ada", "--password-stdin")
    code, _, err = create(database_url, "ADA", "--password-stdin")
    assert code == 1 and "the username ADA is taken" in err


def test_a_short_password_exits_1_and_creates_nothing(database_url: str) -> None:
    code, _, err = create(database_url, "ada", "--password-stdin", stdin="short\n")
    assert code == 1 and "at least 10 characters" in err
    assert role_of(database_url, "ada") is None


def test_a_username_outside_the_rules_exits_1(database_url: str) -> None:
    code, _, err = create(database_url, "ada\r\nx", "--password-stdin")
    assert code == 1 and "3 to 32 characters" in err


def test_an_empty_stdin_exits_1(database_url: str) -> None:
    code, _, err = create(database_url, "ada", "--password-stdin", stdin="")
    assert code == 1 and "read no password" in err


def test_users_invite_prints_a_code_that_signs_up_once(database_url: str) -> None:
    code, out, _ = users(database_url, "invite", "--days", "3", "--note", "for Ada")
    assert code == 0 and "It works once" in out
    found = re.search(r"/account/sign-up\?invite=(\S+)", out)
    assert found is not None
    _, listed, _ = users(database_url, "invites")
    assert "for Ada" in listed and "open, expires in 3 d" in listed
    settings = Settings(database_url=database_url, poller_enabled=False, default_feeds=[])
    settings.accounts.signup = "invite"
    with opened_runtime(settings) as runtime:
        actions.sign_up(runtime, "ada", PASSWORD, invite=found.group(1))
    _, listed, _ = users(database_url, "invites")
    assert "used by ada" in listed


def test_users_invite_says_when_signup_does_not_ask_for_codes(database_url: str) -> None:
    _, out, _ = users(database_url, "invite")
    assert "accounts.signup is open" in out


def test_users_revoke_invite_of_an_unknown_one_exits_1(database_url: str) -> None:
    code, _, err = users(database_url, "revoke-invite", "42")
    assert code == 1 and "there is no unused invitation 42" in err


def test_users_promote_and_back(database_url: str) -> None:
    create(database_url, "--admin", "root", "--password-stdin")
    create(database_url, "ada", "--password-stdin")
    code, out, _ = users(database_url, "promote", "ada")
    assert code == 0 and "ada is now admin" in out and role_of(database_url, "ada") == "admin"
    code, out, _ = users(database_url, "promote", "--member", "ada")
    assert code == 0 and role_of(database_url, "ada") == "member"


def test_users_promote_member_of_the_last_admin_exits_1(database_url: str) -> None:
    create(database_url, "--admin", "root", "--password-stdin")
    code, _, err = users(database_url, "promote", "--member", "root")
    assert code == 1 and "root is the only admin" in err
    assert role_of(database_url, "root") == "admin"


def test_users_disable_and_enable_show_in_the_list(database_url: str) -> None:
    create(database_url, "ada", "--password-stdin")
    code, out, _ = users(database_url, "disable", "ada")
    assert code == 0 and "ada is disabled and signed out everywhere" in out
    assert "disabled" in users(database_url, "list")[1]
    assert users(database_url, "enable", "ada")[0] == 0
    listed = users(database_url, "list")[1]
    assert "ada" in listed and "active" in listed and "disabled" not in listed


def test_users_disable_of_an_unknown_name_exits_1(database_url: str) -> None:
    code, _, err = users(database_url, "disable", "nobody")
    assert code == 1 and "no account is named nobody" in err
