"""The account pages: sign up, sign in, sign out, and the profile (change the password,
delete the account). Plain HTML forms that work without JavaScript; each POST is checked
by :func:`tickerwire.web.forms.checked_form` before anything is done, and does one action
of :mod:`tickerwire.actions` (in the thread pool: argon2 takes a good part of a second).

These pages are personal, so they are never cached: each is rendered for its request and
sent as ``private, no-store``. The session cookie is HttpOnly and SameSite=Lax, Secure
over HTTPS (``accounts.secure_cookies``); before sign-in a pre-session cookie carries the
secret the sign-in and sign-up forms' tokens are derived from.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from tickerwire import actions
from tickerwire.accounts.tokens import FORM_COOKIE, SESSION_COOKIE, form_token, new_secret
from tickerwire.runtime import Runtime
from tickerwire.web.forms import FormRefused, checked_form
from tickerwire.web.next_path import safe_next
from tickerwire.web.readers import PRIVATE, Reader, reader_of
from tickerwire.web.templating import render_template
from tickerwire.web.twins import HTML, message_page

router = APIRouter(include_in_schema=False)

SIGN_IN_FIELDS = frozenset({"username", "password", "next"})
SIGN_UP_FIELDS = frozenset({"username", "email", "password", "confirm", "invite", "next"})
SIGN_IN_PAGE = "account_sign_in.html"
SIGN_UP_PAGE = "account_sign_up.html"
#: Longer than any code :func:`tickerwire.accounts.tokens.new_invite_code` makes.
INVITE_MAX = 64
PASSWORD_FIELDS = frozenset({"current", "new", "confirm"})
DELETE_FIELDS = frozenset({"password", "confirm"})
SIGN_OUT_FIELDS: frozenset[str] = frozenset()
#: What a redirect back to a page may say, by name: no text from the address is shown.
DONE = {
    "password": "Your password is changed; every other browser is signed out.",
    "deleted": "Your account and everything in it are deleted.",
}


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _secure(request: Request) -> bool:
    return _runtime(request).settings.accounts.secure_cookies == "always" or (
        request.url.scheme == "https"
    )


def _cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=_secure(request),
        httponly=True,
        samesite="lax",
    )


def _signed_in(request: Request, signed: actions.SignedIn, to: str) -> Response:
    """Off to ``to`` with the new session's cookie; the pre-session cookie is spent."""
    response = RedirectResponse(to, status_code=303, headers=PRIVATE)
    days = _runtime(request).settings.accounts.session_days
    _cookie(response, request, SESSION_COOKIE, signed.secret, days * 86400)
    response.delete_cookie(FORM_COOKIE, path="/")
    return response


def _page(
    request: Request,
    template: str,
    *,
    reader: Reader | None,
    status: int = 200,
    message: str | None = None,
    ok: bool = False,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Response:
    body = render_template(
        template, _runtime(request), reader=reader, message=message, ok=ok, **context
    )
    return Response(body, status, media_type=HTML, headers={**PRIVATE, **(headers or {})})


# Sign in and sign up: forms for readers not signed in -----------------------------------


def _anonymous_form(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    """A sign-in or sign-up page, with the pre-session cookie its form token comes from
    (made now when the browser has none)."""
    secret = request.cookies.get(FORM_COOKIE) or new_secret()
    settings = _runtime(request).settings.accounts
    context.setdefault("message", None)
    response = _page(
        request,
        template,
        reader=None,
        status=status,
        form_token=form_token(secret),
        signup=settings.signup,
        private=settings.private_site,
        **context,
    )
    if request.cookies.get(FORM_COOKIE) != secret:
        _cookie(response, request, FORM_COOKIE, secret, 86400)
    return response


async def _anonymous_post(
    request: Request,
    template: str,
    fields: frozenset[str],
    act: Callable[[dict[str, str]], Awaitable[Response]],
) -> Response:
    """A sign-in or sign-up form: checked against the pre-session cookie's token, then
    ``act``; a refused form is its page again, saying why, with nothing done."""
    try:
        form = await checked_form(request, fields, request.cookies.get(FORM_COOKIE))
    except FormRefused as refused:
        return _anonymous_form(request, template, refused.status, message=str(refused))
    return await act(form)


@router.get("/account/sign-in", name="account.sign_in")
def sign_in_page(request: Request, next: str = "", done: str = "") -> Response:
    if reader_of(request) is not None:
        return RedirectResponse(safe_next(next) or "/account", 303, headers=PRIVATE)
    return _anonymous_form(
        request, SIGN_IN_PAGE, next=safe_next(next), message=DONE.get(done), ok=True
    )


@router.post("/account/sign-in")
async def sign_in(request: Request) -> Response:
    async def act(form: dict[str, str]) -> Response:
        username, next_path = form.get("username", ""), safe_next(form.get("next"))
        address = request.client.host if request.client else ""
        try:
            signed = await run_in_threadpool(
                actions.sign_in,
                _runtime(request),
                username,
                form.get("password", ""),
                address=address,
                replacing=request.cookies.get(SESSION_COOKIE),
            )
        except actions.ActionError as refused:
            retry = (
                {"retry-after": str(refused.retry_after)}
                if isinstance(refused, actions.SignInThrottled)
                else None
            )
            return _anonymous_form(
                request,
                SIGN_IN_PAGE,
                429 if retry else 400,
                message=str(refused),
                headers=retry,
                username=username,
                next=next_path,
            )
        return _signed_in(request, signed, next_path or "/")

    return await _anonymous_post(request, SIGN_IN_PAGE, SIGN_IN_FIELDS, act)


@router.get("/account/sign-up", name="account.sign_up")
def sign_up_page(request: Request, next: str = "", invite: str = "") -> Response:
    if reader_of(request) is not None:
        return RedirectResponse("/account", 303, headers=PRIVATE)
    return _anonymous_form(
        request, SIGN_UP_PAGE, next=safe_next(next), invite=invite.strip()[:INVITE_MAX]
    )


@router.post("/account/sign-up")
async def sign_up(request: Request) -> Response:
    async def act(form: dict[str, str]) -> Response:
        kept = {name: form.get(name, "") for name in ("username", "email", "invite")}
        next_path = safe_next(form.get("next"))
        try:
            if form.get("password", "") != form.get("confirm", ""):
                raise actions.ActionError("the two passwords differ")
            signed = await run_in_threadpool(
                lambda: actions.sign_up(
                    _runtime(request),
                    kept["username"],
                    form.get("password", ""),
                    email=kept["email"],
                    invite=kept["invite"][:INVITE_MAX],
                    replacing=request.cookies.get(SESSION_COOKIE),
                )
            )
        except actions.ActionError as refused:
            return _anonymous_form(
                request, SIGN_UP_PAGE, 400, message=str(refused), next=next_path, **kept
            )
        return _signed_in(request, signed, next_path or "/account")

    return await _anonymous_post(request, SIGN_UP_PAGE, SIGN_UP_FIELDS, act)


# The profile and what a signed-in member posts ------------------------------------------


def _profile(request: Request, reader: Reader, status: int = 200, **context: Any) -> Response:
    sessions = _runtime(request).accounts.session_count(reader.member.id)
    return _page(
        request, "account.html", reader=reader, status=status, sessions=sessions, **context
    )


@router.get("/account", name="account")
def profile(request: Request, done: str = "") -> Response:
    reader = reader_of(request)
    if reader is None:
        return RedirectResponse("/account/sign-in?next=/account", 303, headers=PRIVATE)
    return _profile(request, reader, message=DONE.get(done), ok=True)


async def _member_form(
    request: Request, fields: frozenset[str], act: Callable[[Reader, dict[str, str]], Response]
) -> Response:
    """A signed-in member's form: checked against their session's token, then ``act``
    (in the thread pool); a refusal is the profile again, saying why."""
    reader = await run_in_threadpool(reader_of, request)
    if reader is None:
        return RedirectResponse("/account/sign-in?next=/account", 303, headers=PRIVATE)
    try:
        form = await checked_form(request, fields, reader.secret)
        return await run_in_threadpool(act, reader, form)
    except (FormRefused, actions.ActionError) as refused:
        status = refused.status if isinstance(refused, FormRefused) else 400
        return await run_in_threadpool(_profile, request, reader, status, message=str(refused))


@router.post("/account/password")
async def change_password(request: Request) -> Response:
    def act(reader: Reader, form: dict[str, str]) -> Response:
        if form.get("new", "") != form.get("confirm", ""):
            raise actions.ActionError("the two new passwords differ")
        signed = actions.change_password(
            _runtime(request), reader.member.id, form.get("current", ""), form.get("new", "")
        )
        return _signed_in(request, signed, "/account?done=password")

    return await _member_form(request, PASSWORD_FIELDS, act)


@router.post("/account/delete")
async def delete_account(request: Request) -> Response:
    def act(reader: Reader, form: dict[str, str]) -> Response:
        if form.get("confirm", "") != reader.member.username:
            raise actions.ActionError(
                f"type your username, {reader.member.username}, to confirm; nothing was deleted"
            )
        actions.delete_account(_runtime(request), reader.member.id, form.get("password", ""))
        return _signed_out("/account/sign-in?done=deleted")

    return await _member_form(request, DELETE_FIELDS, act)


def _signed_out(to: str) -> Response:
    response = RedirectResponse(to, status_code=303, headers=PRIVATE)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/account/sign-out")
async def sign_out(request: Request) -> Response:
    reader = await run_in_threadpool(reader_of, request)
    if reader is None:
        return _signed_out("/")
    try:
        await checked_form(request, SIGN_OUT_FIELDS, reader.secret)
    except FormRefused as refused:
        return message_page(_runtime(request), refused.status, str(refused), reader)
    await run_in_threadpool(actions.sign_out, _runtime(request), reader.secret)
    return _signed_out("/")
