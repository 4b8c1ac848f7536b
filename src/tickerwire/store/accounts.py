"""Members, their sessions, failed sign-ins and invitations, as the actions in
:mod:`tickerwire.actions` use them. The rules (what a username may be, when sign-in
waits) live in :mod:`tickerwire.accounts`; this module only reads and writes rows.

Sessions are looked up by the hash of their id (:func:`tickerwire.accounts.tokens.session_key`);
the id itself never reaches the database. Ending a member's sessions and changing their
password, or deleting a member with everything of theirs, each happen in one transaction;
so do taking an invitation and making the member it was for (an invitation is used once).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import sha256
from typing import Any, Literal

from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from tickerwire.store.schema import invites, members, sessions, sign_in_failures
from tickerwire.store.upsert import new_id

Role = Literal["admin", "member"]
#: A session's last sighting is written at most this often: not one write per page.
TOUCH_EVERY = timedelta(minutes=5)


class MemberExists(ValueError):
    def __init__(self, username: str) -> None:
        super().__init__(f"the username {username} is taken")


class InviteUnusable(ValueError):
    """No invitation has that code, or it is used already, or it has expired."""

    def __init__(self) -> None:
        super().__init__("that invitation code is unknown, used already or expired")


@dataclass(frozen=True)
class MemberRow:
    id: int
    username: str
    email: str | None
    role: Role
    disabled: bool
    created_at: datetime
    password_hash: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class MemberListing:
    """A member as an admin sees them in a list: no password hash."""

    id: int
    username: str
    email: str | None
    role: Role
    disabled: bool
    created_at: datetime
    sessions: int
    last_seen_at: datetime | None


@dataclass(frozen=True)
class InviteRow:
    """An invitation as stored: its code is not (only its hash)."""

    id: int
    note: str | None
    created_by: str | None
    created_at: datetime
    expires_at: datetime
    used_by: str | None
    used_at: datetime | None


def _member(row: Any) -> MemberRow:
    return MemberRow(
        id=row.id,
        username=row.username,
        email=row.email,
        role=row.role,
        disabled=row.disabled,
        created_at=row.created_at,
        password_hash=row.password_hash,
    )


def failure_key(key: str) -> str:
    """What the store keeps of a throttling key (a username key, an address)."""
    return sha256(key.encode()).hexdigest()


class AccountStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # Members ------------------------------------------------------------------------

    def add_member(
        self,
        *,
        username: str,
        key: str,
        email: str | None,
        password_hash: str,
        role: Role,
        now: datetime,
    ) -> MemberRow:
        """A new member, or :class:`MemberExists` when the key is taken (checked by the
        unique index, so two sign-ups at once cannot both get one name)."""
        return self.add_invited_member(
            None,
            username=username,
            key=key,
            email=email,
            password_hash=password_hash,
            role=role,
            now=now,
        )

    def add_invited_member(
        self,
        invite_hash: str | None,
        *,
        username: str,
        key: str,
        email: str | None,
        password_hash: str,
        role: Role,
        now: datetime,
    ) -> MemberRow:
        """A new member, as :meth:`add_member`, who takes the invitation ``invite_hash``
        (None: none) in the same transaction: :class:`InviteUnusable` when it is unknown,
        used or expired, and then no member is made; two sign-ups with one code get one
        member between them."""
        values = {
            "username": username,
            "username_key": key,
            "email": email,
            "password_hash": password_hash,
            "role": role,
            "disabled": False,
            "created_at": now,
        }
        try:
            with self.engine.begin() as connection:
                member_id = new_id(connection.execute(insert(members).values(**values)))
                if invite_hash is not None:
                    _take_invite(connection, invite_hash, member_id, now)
        except IntegrityError:
            raise MemberExists(username) from None
        return MemberRow(member_id, username, email, role, False, now, password_hash)

    def member_by_key(self, key: str) -> MemberRow | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(members).where(members.c.username_key == key)).first()
        return None if row is None else _member(row)

    def member(self, member_id: int) -> MemberRow | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(members).where(members.c.id == member_id)).first()
        return None if row is None else _member(row)

    def set_password_hash(self, member_id: int, password_hash: str) -> None:
        """A stronger hash of the same password (pwdlib's rehash); sessions stay."""
        with self.engine.begin() as connection:
            connection.execute(
                update(members).where(members.c.id == member_id).values(password_hash=password_hash)
            )

    def replace_password(self, member_id: int, password_hash: str) -> None:
        """A new password, and every session of the member ended, in one transaction."""
        with self.engine.begin() as connection:
            connection.execute(
                update(members).where(members.c.id == member_id).values(password_hash=password_hash)
            )
            connection.execute(delete(sessions).where(sessions.c.member_id == member_id))

    def delete_member(self, member_id: int, key: str) -> None:
        """The member, their sessions and their failed sign-ins, gone in one transaction."""
        with self.engine.begin() as connection:
            connection.execute(delete(sessions).where(sessions.c.member_id == member_id))
            connection.execute(
                delete(sign_in_failures).where(sign_in_failures.c.key_hash == failure_key(key))
            )
            connection.execute(delete(members).where(members.c.id == member_id))

    def members(self, now: datetime) -> list[MemberListing]:
        """Every member, by username, with their live sessions and when last seen."""
        live = (
            select(
                sessions.c.member_id,
                func.count().label("sessions"),
                func.max(sessions.c.last_seen_at).label("last_seen_at"),
            )
            .where(sessions.c.expires_at > now)
            .group_by(sessions.c.member_id)
            .subquery()
        )
        query = (
            select(members, live.c.sessions, live.c.last_seen_at)
            .outerjoin(live, live.c.member_id == members.c.id)
            .order_by(members.c.username_key)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            MemberListing(
                id=row.id,
                username=row.username,
                email=row.email,
                role=row.role,
                disabled=row.disabled,
                created_at=row.created_at,
                sessions=row.sessions or 0,
                last_seen_at=row.last_seen_at,
            )
            for row in rows
        ]

    def active_admins(self) -> int:
        query = select(func.count()).where(members.c.role == "admin", members.c.disabled.is_(False))
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def set_disabled(self, member_id: int, disabled: bool) -> None:
        """Disable (every session ended, in the same transaction) or enable a member."""
        with self.engine.begin() as connection:
            connection.execute(
                update(members).where(members.c.id == member_id).values(disabled=disabled)
            )
            if disabled:
                connection.execute(delete(sessions).where(sessions.c.member_id == member_id))

    def set_role(self, member_id: int, role: Role) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(members).where(members.c.id == member_id).values(role=role))

    # Invitations --------------------------------------------------------------------

    def add_invite(
        self,
        code_hash: str,
        *,
        note: str | None,
        created_by: int | None,
        now: datetime,
        expires: datetime,
    ) -> int:
        values = {
            "code_hash": code_hash,
            "note": note,
            "created_by": created_by,
            "created_at": now,
            "expires_at": expires,
        }
        with self.engine.begin() as connection:
            return new_id(connection.execute(insert(invites).values(**values)))

    def invites(self) -> list[InviteRow]:
        """Every invitation, newest first, with who made and who used it (by name)."""
        maker = members.alias("maker")
        user = members.alias("user")
        query = (
            select(
                invites,
                maker.c.username.label("maker_name"),
                user.c.username.label("user_name"),
            )
            .outerjoin(maker, maker.c.id == invites.c.created_by)
            .outerjoin(user, user.c.id == invites.c.used_by)
            .order_by(invites.c.created_at.desc(), invites.c.id.desc())
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            InviteRow(
                id=row.id,
                note=row.note,
                created_by=row.maker_name,
                created_at=row.created_at,
                expires_at=row.expires_at,
                used_by=row.user_name,
                used_at=row.used_at,
            )
            for row in rows
        ]

    def invite_usable(self, code_hash: str, now: datetime) -> bool:
        query = select(invites.c.id).where(
            invites.c.code_hash == code_hash,
            invites.c.used_at.is_(None),
            invites.c.expires_at > now,
        )
        with self.engine.connect() as connection:
            return connection.execute(query).first() is not None

    def revoke_invite(self, invite_id: int, now: datetime) -> bool:
        """An unused invitation expired now; False when there is none such."""
        with self.engine.begin() as connection:
            result = connection.execute(
                update(invites)
                .where(invites.c.id == invite_id, invites.c.used_at.is_(None))
                .values(expires_at=now)
            )
        return bool(result.rowcount)

    # Sessions -----------------------------------------------------------------------

    def add_session(self, id_hash: str, member_id: int, now: datetime, expires: datetime) -> None:
        """A new session; the member's expired ones are deleted on the way."""
        with self.engine.begin() as connection:
            connection.execute(
                delete(sessions).where(
                    sessions.c.member_id == member_id, sessions.c.expires_at <= now
                )
            )
            connection.execute(
                insert(sessions).values(
                    id_hash=id_hash,
                    member_id=member_id,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=expires,
                )
            )

    def session_member(self, id_hash: str, now: datetime) -> MemberRow | None:
        """The member a live session belongs to (not expired, member not disabled); its
        last sighting is brought up to date when older than :data:`TOUCH_EVERY`."""
        query = (
            select(members, sessions.c.last_seen_at)
            .join(sessions, sessions.c.member_id == members.c.id)
            .where(
                sessions.c.id_hash == id_hash,
                sessions.c.expires_at > now,
                members.c.disabled.is_(False),
            )
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        if now - row.last_seen_at >= TOUCH_EVERY:
            with self.engine.begin() as connection:
                connection.execute(
                    update(sessions).where(sessions.c.id_hash == id_hash).values(last_seen_at=now)
                )
        return _member(row)

    def session_count(self, member_id: int) -> int:
        with self.engine.connect() as connection:
            query = select(func.count()).where(sessions.c.member_id == member_id)
            return int(connection.execute(query).scalar_one())

    def end_session(self, id_hash: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(sessions).where(sessions.c.id_hash == id_hash))

    # Failed sign-ins ----------------------------------------------------------------

    def failures(self, scope: str, key: str, since: datetime) -> list[datetime]:
        query = select(sign_in_failures.c.failed_at).where(
            sign_in_failures.c.scope == scope,
            sign_in_failures.c.key_hash == failure_key(key),
            sign_in_failures.c.failed_at > since,
        )
        with self.engine.connect() as connection:
            return list(connection.execute(query).scalars())

    def record_failures(
        self, keys: Sequence[tuple[str, str]], now: datetime, forget_before: datetime
    ) -> None:
        """A failed sign-in under each ``(scope, key)``; failures older than the window are
        deleted on the way, so the table holds one window's worth."""
        with self.engine.begin() as connection:
            connection.execute(
                delete(sign_in_failures).where(sign_in_failures.c.failed_at <= forget_before)
            )
            connection.execute(
                insert(sign_in_failures),
                [
                    {"scope": scope, "key_hash": failure_key(key), "failed_at": now}
                    for scope, key in keys
                ],
            )

    def prune(self, now: datetime, failures_before: datetime) -> tuple[int, int]:
        """Expired sessions and failures older than ``failures_before`` deleted; how many
        of each went."""
        with self.engine.begin() as connection:
            ended = connection.execute(delete(sessions).where(sessions.c.expires_at <= now))
            forgotten = connection.execute(
                delete(sign_in_failures).where(sign_in_failures.c.failed_at <= failures_before)
            )
        return ended.rowcount, forgotten.rowcount

    def clear_failures(self, scope: str, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                delete(sign_in_failures).where(
                    sign_in_failures.c.scope == scope,
                    sign_in_failures.c.key_hash == failure_key(key),
                )
            )


def _take_invite(connection: Connection, code_hash: str, member_id: int, now: datetime) -> None:
    """Mark the invitation used by ``member_id``, or :class:`InviteUnusable` (which rolls
    the transaction back). The update's condition is the check, so only one taker wins."""
    taken = connection.execute(
        update(invites)
        .where(
            invites.c.code_hash == code_hash,
            invites.c.used_at.is_(None),
            invites.c.expires_at > now,
        )
        .values(used_at=now, used_by=member_id)
    )
    if taken.rowcount != 1:
        raise InviteUnusable()
