"""Members and their sessions, and the admin's members and invitations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tickerwire import humanize
from tickerwire.accounts import passwords, throttle
from tickerwire.accounts.rules import (
    RuleBroken,
    checked_email,
    checked_password,
    checked_username,
    username_key,
)
from tickerwire.accounts.tokens import invite_key, new_invite_code, new_secret, session_key
from tickerwire.actions.common import ActionError
from tickerwire.runtime import Runtime
from tickerwire.store.accounts import (
    InviteRow,
    InviteUnusable,
    MemberExists,
    MemberListing,
    MemberRow,
    Role,
)


class SignInRefused(ActionError):
    """The username or the password is wrong: one answer for both, so it does not tell
    which usernames exist."""

    def __init__(self) -> None:
        super().__init__("the username or password is wrong")


class SignInThrottled(ActionError):
    """Too many failed sign-ins for the account or from the address, lately."""

    def __init__(self, wait: timedelta) -> None:
        super().__init__(
            "too many failed sign-ins for this account or from your address; "
            f"try again in {humanize.duration(wait)}"
        )
        self.retry_after = throttle.retry_after_seconds(wait)


@dataclass(frozen=True)
class SignedIn:
    """A new session: ``secret`` is its id, for the browser's cookie and nowhere else."""

    member: MemberRow
    secret: str


def create_member(
    runtime: Runtime,
    username: str,
    password: str,
    *,
    email: str = "",
    admin: bool = False,
    invite: str | None = None,
) -> MemberRow:
    """A new account, after the username, password and email rules; ``admin`` only from
    the command line (sign-up never passes it). With ``invite``, the invitation of that
    code is taken in the same transaction, or nothing is made."""
    try:
        name = checked_username(username)
        checked_password(password, name)
        address = checked_email(email)
    except RuleBroken as broken:
        raise ActionError(str(broken)) from None
    code = invite_key(invite) if invite is not None else None
    if code is not None and not runtime.accounts.invite_usable(code, runtime.now()):
        raise ActionError(str(InviteUnusable()))  # before the costly hash
    try:
        return runtime.accounts.add_invited_member(
            code,
            username=name,
            key=username_key(name),
            email=address,
            password_hash=passwords.hash_password(password),
            role="admin" if admin else "member",
            now=runtime.now(),
        )
    except (MemberExists, InviteUnusable) as refused:
        raise ActionError(str(refused)) from None


def sign_up(
    runtime: Runtime,
    username: str,
    password: str,
    *,
    email: str = "",
    invite: str = "",
    replacing: str | None = None,
) -> SignedIn:
    """A new member account, signed in (``replacing`` ended, as at sign-in), when
    ``accounts.signup`` allows it: open, or by invitation with a usable ``invite`` code
    (used up by this sign-up). Its role is always member."""
    mode = runtime.settings.accounts.signup
    if mode == "closed":
        raise ActionError("sign-up is closed on this site; an admin can create your account")
    if mode == "invite" and not invite.strip():
        raise ActionError(
            "sign-up is by invitation on this site: give the invitation code an admin made for you"
        )
    code = invite if mode == "invite" else None
    member = create_member(runtime, username, password, email=email, invite=code)
    return _start_session(runtime, member, replacing)


def sign_in(
    runtime: Runtime,
    username: str,
    password: str,
    *,
    address: str,
    replacing: str | None = None,
) -> SignedIn:
    """A new session for the member, or :class:`SignInRefused` (unknown name and wrong
    password alike, each verified against a hash) or :class:`SignInThrottled`. The
    session ``replacing`` (whatever the browser held before) is ended: the session after
    sign-in is never one that existed before it."""
    settings = runtime.settings.accounts
    store = runtime.accounts
    now = runtime.now()
    window = timedelta(minutes=settings.sign_in_window_minutes)
    key = username_key(username)
    keys = [(throttle.ACCOUNT, key), (throttle.ADDRESS, address)]
    waits = [
        wait
        for scope, value in keys
        if (
            wait := throttle.wait(
                store.failures(scope, value, now - window), now, settings.sign_in_failures, window
            )
        )
        is not None
    ]
    if waits:
        raise SignInThrottled(max(waits))
    member = store.member_by_key(key)
    stored = member.password_hash if member is not None else passwords.dummy_hash()
    matches, rehashed = passwords.verify(password, stored)
    if member is None or not matches:
        store.record_failures(keys, now, now - window)
        raise SignInRefused()
    if member.disabled:
        raise ActionError("this account is disabled; ask the site's admin")
    if rehashed is not None:
        store.set_password_hash(member.id, rehashed)
    store.clear_failures(throttle.ACCOUNT, key)
    return _start_session(runtime, member, replacing)


def _start_session(runtime: Runtime, member: MemberRow, replacing: str | None = None) -> SignedIn:
    """A fresh session id for ``member``; the session ``replacing`` (the one the browser
    held, if any) ends, so no id known before is valid after."""
    if replacing is not None:
        runtime.accounts.end_session(session_key(replacing))
    secret = new_secret()
    now = runtime.now()
    expires = now + timedelta(days=runtime.settings.accounts.session_days)
    runtime.accounts.add_session(session_key(secret), member.id, now, expires)
    return SignedIn(member, secret)


def member_of_session(runtime: Runtime, secret: str) -> MemberRow | None:
    """Whose live session ``secret`` is, if anyone's."""
    return runtime.accounts.session_member(session_key(secret), runtime.now())


def sign_out(runtime: Runtime, secret: str) -> None:
    """End the session ``secret``; ending one that is already gone is no error."""
    runtime.accounts.end_session(session_key(secret))


def _member_with_password(runtime: Runtime, member_id: int, password: str) -> MemberRow:
    member = runtime.accounts.member(member_id)
    if member is None:
        raise ActionError("this account no longer exists")
    if not passwords.verify(password, member.password_hash)[0]:
        raise ActionError("the current password is wrong")
    return member


def change_password(runtime: Runtime, member_id: int, current: str, new: str) -> SignedIn:
    """A new password; every session of the member ends (on every browser), and the
    browser that changed it gets a new one."""
    member = _member_with_password(runtime, member_id, current)
    try:
        checked_password(new, member.username)
    except RuleBroken as broken:
        raise ActionError(str(broken)) from None
    runtime.accounts.replace_password(member.id, passwords.hash_password(new))
    return _start_session(runtime, member)


def delete_account(runtime: Runtime, member_id: int, password: str) -> None:
    """The account and everything of it (sessions, failed sign-ins) gone, once the
    password confirms it."""
    member = _member_with_password(runtime, member_id, password)
    runtime.accounts.delete_member(member.id, username_key(member.username))


# The admin's members and invitations ----------------------------------------------------

NOTE_MAX = 200


@dataclass(frozen=True)
class Invitation:
    """A new invitation. ``code`` is shown once, to the admin who made it (only its hash
    is stored); ``path`` is the sign-up page with the code filled in."""

    id: int
    code: str
    expires_at: datetime

    @property
    def path(self) -> str:
        return f"/account/sign-up?invite={self.code}"


def invite_member(
    runtime: Runtime, *, by: int | None = None, days: int | None = None, note: str = ""
) -> Invitation:
    """A single-use invitation code, expiring after ``days`` (``accounts.invite_days`` by
    default); ``by`` is the admin's member id, ``note`` who it is for (at most
    :data:`NOTE_MAX` characters, shown in the list of invitations)."""
    days = runtime.settings.accounts.invite_days if days is None else days
    if not 1 <= days <= 365:
        raise ActionError("an invitation lasts 1 to 365 days")
    note = note.strip()
    if len(note) > NOTE_MAX or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in note):
        raise ActionError(f"a note is one line of at most {NOTE_MAX} characters")
    code = new_invite_code()
    now = runtime.now()
    expires = now + timedelta(days=days)
    invite_id = runtime.accounts.add_invite(
        invite_key(code), note=note or None, created_by=by, now=now, expires=expires
    )
    return Invitation(invite_id, code, expires)


def list_invites(runtime: Runtime) -> list[InviteRow]:
    """Every invitation, newest first (their codes are not kept, so not shown)."""
    return runtime.accounts.invites()


def revoke_invite(runtime: Runtime, invite_id: int) -> None:
    """An unused invitation can no longer be used."""
    if not runtime.accounts.revoke_invite(invite_id, runtime.now()):
        raise ActionError(f"there is no unused invitation {invite_id}")


def list_members(runtime: Runtime) -> list[MemberListing]:
    """Every member, by username, with their live sessions and when last seen."""
    return runtime.accounts.members(runtime.now())


def _listed(runtime: Runtime, username: str) -> MemberListing:
    key = username_key(username.strip())
    found = [m for m in runtime.accounts.members(runtime.now()) if username_key(m.username) == key]
    if not found:
        raise ActionError(f"no account is named {username.strip()[:40]}")
    return found[0]


def _keep_an_admin(runtime: Runtime, member: MemberListing) -> None:
    """Refuse to leave the site without an admin who can sign in."""
    if member.role == "admin" and not member.disabled and runtime.accounts.active_admins() <= 1:
        raise ActionError(f"{member.username} is the only admin; make another admin first")


def disable_member(runtime: Runtime, username: str) -> MemberListing:
    """The member can no longer sign in, and every session of theirs ends now; their
    account and data stay (:func:`enable_member` undoes it)."""
    member = _listed(runtime, username)
    _keep_an_admin(runtime, member)
    runtime.accounts.set_disabled(member.id, True)
    return _listed(runtime, member.username)


def enable_member(runtime: Runtime, username: str) -> MemberListing:
    """A disabled member may sign in again."""
    member = _listed(runtime, username)
    runtime.accounts.set_disabled(member.id, False)
    return _listed(runtime, member.username)


def set_role(runtime: Runtime, username: str, role: str) -> MemberListing:
    """Make the member an admin or a member; the last admin who can sign in stays one."""
    if role not in ("admin", "member"):
        raise ActionError("a role is admin or member")
    member = _listed(runtime, username)
    if role == "member":
        _keep_an_admin(runtime, member)
    chosen: Role = "admin" if role == "admin" else "member"
    runtime.accounts.set_role(member.id, chosen)
    return _listed(runtime, member.username)


def prune_accounts(runtime: Runtime) -> tuple[int, int]:
    """Delete expired sessions and failed sign-ins older than the throttling window (a
    periodic task; sign-in also drops the member's own expired sessions as it goes); how
    many sessions and failures went."""
    now = runtime.now()
    window = timedelta(minutes=runtime.settings.accounts.sign_in_window_minutes)
    return runtime.accounts.prune(now, now - window)
