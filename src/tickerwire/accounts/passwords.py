"""Passwords, hashed with argon2id through pwdlib (its recommended settings).

Sign-in with a username nobody has takes the same work as a wrong password: it is
verified against :func:`dummy_hash`, so how long an answer takes does not tell which
usernames exist.
"""

from __future__ import annotations

from functools import cache

from pwdlib import PasswordHash

_hasher = PasswordHash.recommended()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(password: str, stored: str) -> tuple[bool, str | None]:
    """Whether ``password`` matches ``stored``, and a new hash to store when ``stored``
    was made with weaker settings than today's (else None)."""
    return _hasher.verify_and_update(password, stored)


def dummy_hash() -> str:
    """A hash no password is known for, made with the same settings as every other, to
    verify against when the account does not exist."""
    return _dummy_for(_hasher)


@cache
def _dummy_for(hasher: PasswordHash) -> str:
    return hasher.hash("no account has this password; it only costs the same time")
