"""``tickerwire users create``: the first admin, and every refusal a sentence with exit 1."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tickerwire.cli import cli
from tickerwire.store import db
from tickerwire.store.accounts import AccountStore

pytestmark = pytest.mark.usefixtures("cheap_hashes")
PASSWORD = "correct horse battery"


def create(database_url: str, *args: str, stdin: str = f"{PASSWORD}\n") -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli, ["--database-url", database_url, "users", "create", *args], input=stdin
    )
    return result.exit_code, result.stdout, result.stderr


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
