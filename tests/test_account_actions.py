"""The account actions every door calls (sign up, sign in and out, change the password,
delete the account, create a member), on both stores."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from support.runtimes import opened_runtime
from tickerwire import actions
from tickerwire.accounts import passwords
from tickerwire.config import Settings
from tickerwire.runtime import Runtime

pytestmark = pytest.mark.usefixtures("cheap_hashes")
PASSWORD = "correct horse battery"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def runtime(database_url: str, clock: Clock) -> Iterator[Runtime]:
    settings = Settings(database_url=database_url, poller_enabled=False, default_feeds=[])
    with opened_runtime(settings, clock=clock) as runtime:
        yield runtime


def test_sign_up_makes_a_member_never_an_admin(runtime: Runtime) -> None:
    signed = actions.sign_up(runtime, "Ada", PASSWORD)
    assert (signed.member.username, signed.member.role) == ("Ada", "member")
    assert actions.member_of_session(runtime, signed.secret) == signed.member


def test_a_username_is_taken_whatever_its_case(runtime: Runtime) -> None:
    actions.sign_up(runtime, "Ada", PASSWORD)
    with pytest.raises(actions.ActionError, match="the username ADA is taken"):
        actions.sign_up(runtime, "ADA", PASSWORD)


def test_create_member_with_admin_makes_an_admin(runtime: Runtime) -> None:
    member = actions.create_member(runtime, "root", PASSWORD, admin=True)
    assert member.role == "admin" and member.is_admin


@pytest.mark.parametrize("mode", ["closed", "invite"])
def test_sign_up_is_refused_unless_open(runtime: Runtime, mode: str) -> None:
    runtime.settings.accounts.signup = mode  # type: ignore[assignment]
    with pytest.raises(actions.ActionError, match="sign-up is"):
        actions.sign_up(runtime, "ada", PASSWORD)
    assert runtime.accounts.member_by_key("ada") is None


def test_signing_in_twice_gives_two_different_sessions(runtime: Runtime) -> None:
    actions.create_member(runtime, "ada", PASSWORD)
    first = actions.sign_in(runtime, "ada", PASSWORD, address="a")
    second = actions.sign_in(runtime, "ADA", PASSWORD, address="a")
    assert first.secret != second.secret
    assert runtime.accounts.session_count(first.member.id) == 2


def test_signing_in_ends_the_session_the_browser_held_before(runtime: Runtime) -> None:
    actions.create_member(runtime, "ada", PASSWORD)
    actions.create_member(runtime, "mallory", PASSWORD)
    planted = actions.sign_in(runtime, "mallory", PASSWORD, address="b").secret
    signed = actions.sign_in(runtime, "ada", PASSWORD, address="a", replacing=planted)
    assert signed.secret != planted
    assert actions.member_of_session(runtime, planted) is None


@pytest.mark.parametrize("username", ["ada", "nobody"])
def test_a_wrong_password_and_an_unknown_name_both_verify_a_hash(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, username: str
) -> None:
    """Username enumeration by timing: both paths do the same argon2 work."""
    actions.create_member(runtime, "ada", PASSWORD)
    verified: list[str] = []
    real = passwords.verify

    def counting(password: str, stored: str) -> tuple[bool, str | None]:
        verified.append(stored)
        return real(password, stored)

    monkeypatch.setattr(passwords, "verify", counting)
    with pytest.raises(actions.SignInRefused, match="the username or password is wrong"):
        actions.sign_in(runtime, username, "not the password", address="a")
    assert len(verified) == 1 and verified[0].startswith("$argon2id$")


def test_failures_per_account_throttle_sign_in_from_any_address(
    runtime: Runtime, clock: Clock
) -> None:
    actions.create_member(runtime, "ada", PASSWORD)
    for number in range(5):
        with pytest.raises(actions.SignInRefused):
            actions.sign_in(runtime, "ada", "wrong password", address=f"10.0.0.{number}")
    with pytest.raises(actions.SignInThrottled, match="try again in 15 min") as throttled:
        actions.sign_in(runtime, "ada", PASSWORD, address="10.0.0.99")
    assert throttled.value.retry_after == 15 * 60
    clock.now += timedelta(minutes=15, seconds=1)
    assert actions.sign_in(runtime, "ada", PASSWORD, address="10.0.0.99").member.username == "ada"


def test_failures_per_address_throttle_every_account_from_it(runtime: Runtime) -> None:
    actions.create_member(runtime, "ada", PASSWORD)
    for number in range(5):
        with pytest.raises(actions.SignInRefused):
            actions.sign_in(runtime, f"guess{number}", PASSWORD, address="10.0.0.1")
    with pytest.raises(actions.SignInThrottled):
        actions.sign_in(runtime, "ada", PASSWORD, address="10.0.0.1")
    assert actions.sign_in(runtime, "ada", PASSWORD, address="10.0.0.2")


def test_unknown_names_are_throttled_like_real_ones(runtime: Runtime) -> None:
    for _ in range(5):
        with pytest.raises(actions.SignInRefused):
            actions.sign_in(runtime, "nobody", PASSWORD, address="10.0.0.1")
    with pytest.raises(actions.SignInThrottled):
        actions.sign_in(runtime, "nobody", PASSWORD, address="10.0.0.2")


def test_a_session_ends_after_session_days(runtime: Runtime, clock: Clock) -> None:
    signed = actions.sign_up(runtime, "ada", PASSWORD)
    clock.now += timedelta(days=30)
    assert actions.member_of_session(runtime, signed.secret) is None


def test_signing_out_ends_only_that_session(runtime: Runtime) -> None:
    here = actions.sign_up(runtime, "ada", PASSWORD)
    there = actions.sign_in(runtime, "ada", PASSWORD, address="a")
    actions.sign_out(runtime, here.secret)
    assert actions.member_of_session(runtime, here.secret) is None
    assert actions.member_of_session(runtime, there.secret) is not None


def test_changing_the_password_ends_every_session(runtime: Runtime) -> None:
    here = actions.sign_up(runtime, "ada", PASSWORD)
    there = actions.sign_in(runtime, "ada", PASSWORD, address="a")
    renewed = actions.change_password(runtime, here.member.id, PASSWORD, "a new long password")
    assert actions.member_of_session(runtime, here.secret) is None
    assert actions.member_of_session(runtime, there.secret) is None
    assert actions.member_of_session(runtime, renewed.secret) is not None
    with pytest.raises(actions.SignInRefused):
        actions.sign_in(runtime, "ada", PASSWORD, address="a")


def test_changing_the_password_needs_the_current_one(runtime: Runtime) -> None:
    here = actions.sign_up(runtime, "ada", PASSWORD)
    with pytest.raises(actions.ActionError, match="the current password is wrong"):
        actions.change_password(runtime, here.member.id, "not it at all", "a new long password")
    assert actions.member_of_session(runtime, here.secret) is not None


def test_deleting_the_account_takes_its_sessions_and_failures(runtime: Runtime) -> None:
    here = actions.sign_up(runtime, "ada", PASSWORD)
    with pytest.raises(actions.SignInRefused):
        actions.sign_in(runtime, "ada", "wrong password", address="a")
    actions.delete_account(runtime, here.member.id, PASSWORD)
    assert runtime.accounts.member_by_key("ada") is None
    assert actions.member_of_session(runtime, here.secret) is None
    assert runtime.accounts.failures("account", "ada", here.member.created_at - timedelta(1)) == []
    assert actions.sign_up(runtime, "ada", PASSWORD)  # the name is free again


def test_a_disabled_member_cannot_sign_in(runtime: Runtime) -> None:
    member = actions.create_member(runtime, "ada", PASSWORD)
    with runtime.engine.begin() as connection:
        connection.exec_driver_sql(f"UPDATE members SET disabled = TRUE WHERE id = {member.id}")
    with pytest.raises(actions.ActionError, match="disabled"):
        actions.sign_in(runtime, "ada", PASSWORD, address="a")
