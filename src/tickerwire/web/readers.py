"""Who is reading: the member signed in on this request, if any, and the header they see.

Pages are stored and sent from the render cache to every reader alike, so nothing
personal may be in a stored page. A page's skeleton therefore carries the header's
account corner as a part (``{{ live("reader") }}``): pages stored for everyone get the
anonymous corner (a "Sign in" link), and a signed-in member's request is answered by
joining the stored skeleton with a corner rendered for that request alone (their name,
the sign-out button and its form token), sent as ``private, no-store``. The fast path
(:mod:`tickerwire.web.ready`) steps aside for any request that carries a session cookie.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from fastapi import Request

from tickerwire import actions
from tickerwire.accounts.tokens import SESSION_COOKIE, form_token
from tickerwire.runtime import Runtime
from tickerwire.store.accounts import MemberRow
from tickerwire.web.templating import render_part

READER_PART = "reader"
READER_TEMPLATE = "_reader.html"
PRIVATE = {"cache-control": "private, no-store"}
"""Headers of anything personal: no shared cache may keep it, no browser store it."""
SESSION_MARK = SESSION_COOKIE.encode() + b"="
"""What a request's cookie header holds when it sends a session, valid or not: such a
request is never answered with a stored page (a cheap test, before any lookup)."""
_UNKNOWN = object()
#: Longer than any id :func:`tickerwire.accounts.tokens.new_secret` makes: not looked up.
_SECRET_MAX = 100


@dataclass(frozen=True)
class Reader:
    """A signed-in member, the secret of their session (their cookie's value) and how many
    of their alerts are unread (the header shows it)."""

    member: MemberRow
    secret: str
    unread: int = 0

    @property
    def form_token(self) -> str:
        return form_token(self.secret)


def reader_of(request: Request) -> Reader | None:
    """The member whose live session the request's cookie names, looked up once per request."""
    known = getattr(request.state, "reader", _UNKNOWN)
    if known is not _UNKNOWN:
        return cast(Reader | None, known)
    secret = request.cookies.get(SESSION_COOKIE)
    reader = None
    if secret and len(secret) <= _SECRET_MAX:
        runtime: Runtime = request.app.state.runtime
        member = actions.member_of_session(runtime, secret)
        if member is not None:
            reader = Reader(member, secret, actions.unread_alerts(runtime, member.id))
    request.state.reader = reader
    return reader


def reader_corner(reader: Reader | None) -> bytes:
    """The header's account corner for ``reader`` (None: anyone not signed in)."""
    return render_part(READER_TEMPLATE, reader=reader)
