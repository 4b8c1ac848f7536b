"""Session ids and the form tokens derived from them.

A session id is 32 random bytes, given to the browser in a cookie and stored only as its
SHA-256 (:func:`session_key`): the database alone cannot be used to sign in. The form
token a page puts in its forms is another hash of the same secret (the session id, or the
pre-session cookie before sign-in) under a different label, so a page from another site
cannot know it, and it changes with each session.

An invitation code is shown once, to the admin who made it, and kept as its hash too
(:func:`invite_key`); 16 random bytes, so it cannot be guessed in any number of tries.
"""

from __future__ import annotations

import hmac
import secrets
from hashlib import sha256

SESSION_COOKIE = "tw_session"
#: Before sign-in: the secret the sign-in and sign-up forms' tokens are derived from.
FORM_COOKIE = "tw_form"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def session_key(secret: str) -> str:
    """What the store keeps of a session id."""
    return sha256(b"session:" + secret.encode()).hexdigest()


def form_token(secret: str) -> str:
    """The token forms carry for the browser holding ``secret``."""
    return sha256(b"form:" + secret.encode()).hexdigest()


def token_matches(secret: str | None, token: str) -> bool:
    """Whether ``token`` is the form token of ``secret``, compared in constant time."""
    return secret is not None and hmac.compare_digest(form_token(secret), token)


def new_invite_code() -> str:
    return secrets.token_urlsafe(16)


def invite_key(code: str) -> str:
    """What the store keeps of an invitation code (spaces around it ignored)."""
    return sha256(b"invite:" + code.strip().encode()).hexdigest()
