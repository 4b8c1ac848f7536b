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


# Invitations --------------------------------------------------------------------------


@pytest.fixture
def by_invitation(runtime: Runtime) -> Runtime:
    runtime.settings.accounts.signup = "invite"
    return runtime


def test_an_invitation_code_signs_up_one_member(by_invitation: Runtime) -> None:
    code = actions.invite_member(by_invitation, note="for Ada").code
    signed = actions.sign_up(by_invitation, "ada", PASSWORD, invite=code)
    assert signed.member.role == "member"
    (invite,) = actions.list_invites(by_invitation)
    assert invite.used_by == "ada" and invite.note == "for Ada"


def test_an_invitation_code_is_used_once(by_invitation: Runtime) -> None:
    code = actions.invite_member(by_invitation).code
    actions.sign_up(by_invitation, "ada", PASSWORD, invite=code)
    with pytest.raises(actions.ActionError, match="unknown, used already or expired"):
        actions.sign_up(by_invitation, "bob", PASSWORD, invite=code)
    assert by_invitation.accounts.member_by_key("bob") is None


def test_an_invitation_expires(by_invitation: Runtime, clock: Clock) -> None:
    code = actions.invite_member(by_invitation, days=2).code
    clock.now += timedelta(days=2)
    with pytest.raises(actions.ActionError, match="unknown, used already or expired"):
        actions.sign_up(by_invitation, "ada", PASSWORD, invite=code)
    assert by_invitation.accounts.member_by_key("ada") is None


def test_a_made_up_or_revoked_code_is_refused(by_invitation: Runtime) -> None:
    invitation = actions.invite_member(by_invitation)
    actions.revoke_invite(by_invitation, invitation.id)
    for code in (invitation.code, "made-up-code", " "):
        with pytest.raises(actions.ActionError, match=r"sign-up is by invitation|unknown"):
            actions.sign_up(by_invitation, "ada", PASSWORD, invite=code)
    assert by_invitation.accounts.member_by_key("ada") is None


def test_a_refused_sign_up_leaves_the_invitation_unused(by_invitation: Runtime) -> None:
    actions.create_member(by_invitation, "ada", PASSWORD)
    code = actions.invite_member(by_invitation).code
    with pytest.raises(actions.ActionError, match="is taken"):
        actions.sign_up(by_invitation, "ADA", PASSWORD, invite=code)
    assert actions.sign_up(by_invitation, "bob", PASSWORD, invite=code).member.username == "bob"


def test_only_the_hash_of_an_invitation_code_is_stored(by_invitation: Runtime) -> None:
    code = actions.invite_member(by_invitation).code
    with by_invitation.engine.connect() as connection:
        stored = [
            str(value)
            for row in connection.exec_driver_sql("SELECT * FROM invites")
            for value in row
        ]
    assert not any(code in value for value in stored)


@pytest.mark.parametrize(("days", "note"), [(0, ""), (366, ""), (7, "x" * 201), (7, "a\nb")])
def test_an_invitation_outside_the_rules_is_refused(runtime: Runtime, days: int, note: str) -> None:
    with pytest.raises(actions.ActionError):
        actions.invite_member(runtime, days=days, note=note)
    assert actions.list_invites(runtime) == []


# Members, as an admin manages them ----------------------------------------------------


def test_disabling_a_member_ends_every_session_of_theirs(runtime: Runtime) -> None:
    here = actions.sign_up(runtime, "ada", PASSWORD)
    there = actions.sign_in(runtime, "ada", PASSWORD, address="a")
    listed = actions.disable_member(runtime, "ADA")
    assert listed.disabled and listed.sessions == 0
    assert actions.member_of_session(runtime, here.secret) is None
    assert actions.member_of_session(runtime, there.secret) is None
    with pytest.raises(actions.ActionError, match="disabled"):
        actions.sign_in(runtime, "ada", PASSWORD, address="a")


def test_an_enabled_member_signs_in_again(runtime: Runtime) -> None:
    actions.create_member(runtime, "ada", PASSWORD)
    actions.disable_member(runtime, "ada")
    assert not actions.enable_member(runtime, "ada").disabled
    assert actions.sign_in(runtime, "ada", PASSWORD, address="a").member.username == "ada"


def test_set_role_makes_an_admin_and_a_member_again(runtime: Runtime) -> None:
    actions.create_member(runtime, "root", PASSWORD, admin=True)
    actions.create_member(runtime, "ada", PASSWORD)
    assert actions.set_role(runtime, "ada", "admin").role == "admin"
    assert actions.set_role(runtime, "root", "member").role == "member"


def test_the_last_admin_can_be_neither_demoted_nor_disabled(runtime: Runtime) -> None:
    actions.create_member(runtime, "root", PASSWORD, admin=True)
    with pytest.raises(actions.ActionError, match="the only admin"):
        actions.set_role(runtime, "root", "member")
    with pytest.raises(actions.ActionError, match="the only admin"):
        actions.disable_member(runtime, "root")
    (root,) = actions.list_members(runtime)
    assert root.role == "admin" and not root.disabled


@pytest.mark.parametrize("role", ["owner", "ADMIN", ""])
def test_a_role_is_admin_or_member(runtime: Runtime, role: str) -> None:
    actions.create_member(runtime, "ada", PASSWORD)
    with pytest.raises(actions.ActionError, match="a role is admin or member"):
        actions.set_role(runtime, "ada", role)


def test_an_unknown_member_is_named_in_the_refusal(runtime: Runtime) -> None:
    with pytest.raises(actions.ActionError, match="no account is named nobody"):
        actions.disable_member(runtime, "nobody")


def test_the_member_list_counts_live_sessions_and_holds_no_hash(
    runtime: Runtime, clock: Clock
) -> None:
    actions.sign_up(runtime, "bob", PASSWORD)
    actions.sign_up(runtime, "Ada", PASSWORD)
    actions.sign_in(runtime, "ada", PASSWORD, address="a")
    listed = actions.list_members(runtime)
    assert [(m.username, m.sessions, m.last_seen_at) for m in listed] == [
        ("Ada", 2, clock.now),
        ("bob", 1, clock.now),
    ]
    assert not hasattr(listed[0], "password_hash")


# Pruning ------------------------------------------------------------------------------


def test_pruning_deletes_expired_sessions_and_old_failures(runtime: Runtime, clock: Clock) -> None:
    old = actions.sign_up(runtime, "ada", PASSWORD)
    actions.create_member(runtime, "bob", PASSWORD)
    with pytest.raises(actions.SignInRefused):
        actions.sign_in(runtime, "nobody", "wrong password", address="a")
    clock.now += timedelta(days=30)
    kept = actions.sign_in(runtime, "bob", PASSWORD, address="a")
    assert actions.prune_accounts(runtime) == (1, 2)
    assert runtime.accounts.session_count(old.member.id) == 0
    assert actions.member_of_session(runtime, kept.secret) is not None
    assert actions.prune_accounts(runtime) == (0, 0)
