"""Reading a posted form safely: its size capped, its fields the form's own, and proof
that it came from one of our pages.

Every state-changing request is a POST of an HTML form (a GET changes nothing), and each
is refused unless both hold:

- the browser says it is not cross-site: ``Sec-Fetch-Site`` is ``same-origin`` (or
  ``none``, a person's own action), and ``Origin``, when sent, names this host;
- its hidden ``form_token`` is the one derived from the browser's own secret (the session
  cookie once signed in, the pre-session cookie before), which a page elsewhere cannot
  read (:mod:`tickerwire.accounts.tokens`).

A field the form does not have (``is_admin``, ``role`` ...) refuses the whole form, so no
such field is ever honoured, and nothing is changed.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from fastapi import Request

from tickerwire.accounts.tokens import token_matches

FORM_MAX_BYTES = 8 * 1024
"""A form of ours is a few hundred bytes; 8 KiB holds the longest password with room."""
TOKEN_FIELD = "form_token"  # noqa: S105 - a field's name, not a secret
_FORM_TYPE = "application/x-www-form-urlencoded"
_NAME_SHOWN = 40


class FormRefused(Exception):
    """A form that is not acted on: ``status`` for the response, the message for the reader."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def refuse_cross_site(request: Request) -> None:
    """Refuse a request another site's page made the reader's browser send.

    A browser's ``Sec-Fetch-Site`` decides when it is there (browsers set it and a page
    cannot): only ``same-origin`` and ``none`` (typed in, a bookmark) pass. Without it (an
    older browser, a script) the ``Origin`` must name this host; ``Origin: null``, which
    Chromium sends for our own forms under ``Referrer-Policy: no-referrer``, is only
    trusted beside ``Sec-Fetch-Site``. No header at all is a non-browser client, which
    carries no reader's cookie by accident.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        if site not in ("same-origin", "none"):
            raise FormRefused(403, "this form was sent from another site, so nothing was done")
        return
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
        raise FormRefused(403, "this form was sent from another site, so nothing was done")


async def read_form(request: Request, fields: frozenset[str]) -> dict[str, str]:
    """The form's fields, or :class:`FormRefused`: too big (413), not a form (415), a
    field it does not have or a field twice (400)."""
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind != _FORM_TYPE:
        raise FormRefused(415, "send this form from its page (as an HTML form)")
    too_big = FormRefused(413, f"the form is larger than {FORM_MAX_BYTES // 1024} KiB")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > FORM_MAX_BYTES:
        raise too_big
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > FORM_MAX_BYTES:
            raise too_big
    try:
        pairs = parse_qsl(body.decode(), keep_blank_values=True, max_num_fields=len(fields))
    except (UnicodeDecodeError, ValueError):
        raise FormRefused(400, "the form has more fields than it should") from None
    values: dict[str, str] = {}
    for name, value in pairs:
        if name not in fields:
            shown = name[:_NAME_SHOWN]
            raise FormRefused(400, f"this form has no field named {shown}; nothing was changed")
        if name in values:
            raise FormRefused(400, f"the field {name} came twice; nothing was changed")
        values[name] = value
    return values


def check_token(values: dict[str, str], secret: str | None) -> None:
    if not token_matches(secret, values.get(TOKEN_FIELD, "")):
        raise FormRefused(
            403, "this form has expired or did not come from this site; reload the page and retry"
        )


async def checked_form(
    request: Request, fields: frozenset[str], secret: str | None
) -> dict[str, str]:
    """The form, read and checked: not cross-site, within size, its own fields, its token."""
    refuse_cross_site(request)
    values = await read_form(request, fields | {TOKEN_FIELD})
    check_token(values, secret)
    return values
