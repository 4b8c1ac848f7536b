"""What a username, a password and an email address may be.

A username appears in page headers, in log lines and (later) in alert messages, so it is
kept to a small ASCII set: letters, digits, ``.``, ``_`` and ``-``, starting with a letter
or digit, 3 to 32 characters. Nothing that could end a header line, hide among look-alike
letters or change the direction of text gets in. Two names that differ only by case are
the same account: they are compared by :func:`username_key`.
"""

from __future__ import annotations

import re

USERNAME_MIN = 3
USERNAME_MAX = 32
PASSWORD_MIN = 10
#: Long enough for any passphrase or manager's password; hashing a megabyte is a waste.
PASSWORD_MAX = 256
EMAIL_MAX = 254
_USERNAME = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{{USERNAME_MIN - 1},{USERNAME_MAX - 1}}}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class RuleBroken(ValueError):
    """A value that cannot be used; the message says what the rule is, in a sentence."""


def username_key(username: str) -> str:
    """The form two usernames are compared in: ``Ada`` and ``ADA`` are one account."""
    return username.lower()


def checked_username(username: str) -> str:
    """``username`` as given, when it follows the rule; else :class:`RuleBroken`."""
    if not _USERNAME.fullmatch(username):
        raise RuleBroken(
            f"a username is {USERNAME_MIN} to {USERNAME_MAX} characters: letters, digits, "
            "'.', '_' or '-', starting with a letter or digit"
        )
    return username


def checked_password(password: str, username: str) -> str:
    """``password`` when it is long enough and not the username; else :class:`RuleBroken`."""
    if len(password) < PASSWORD_MIN:
        raise RuleBroken(f"a password needs at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise RuleBroken(f"a password has at most {PASSWORD_MAX} characters")
    if username_key(password) == username_key(username):
        raise RuleBroken("a password cannot be the username")
    return password


def checked_email(email: str) -> str | None:
    """An optional address: None when blank, else it must look like one."""
    email = email.strip()
    if not email:
        return None
    if len(email) > EMAIL_MAX or not _EMAIL.fullmatch(email):
        raise RuleBroken("that email address does not look like one (name@example.org)")
    return email
