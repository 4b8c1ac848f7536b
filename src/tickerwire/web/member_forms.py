"""A signed-in member's forms, handled one way: not signed in goes to sign-in (coming back
here after), the form is checked (:func:`tickerwire.web.forms.checked_form`: same site,
within size, only its own fields, the session's form token), one action runs in the
thread pool and names where to go next (a 303, whose ``done`` names a fixed message: no
text from an address is ever shown), and a refusal is the page again with the reason and
a 4xx status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from tickerwire import actions
from tickerwire.runtime import Runtime
from tickerwire.web.forms import FormRefused, checked_form
from tickerwire.web.readers import PRIVATE, Reader, reader_of
from tickerwire.web.twins import Page, render_for

Act = Callable[[Runtime, Reader, dict[str, str]], str]


class Feedback(BaseModel):
    """What a page says after a form: shown, never in the twin."""

    message: str | None = Field(default=None, exclude=True)
    ok: bool = Field(default=True, exclude=True)
    form_token: str = Field(default="", exclude=True)


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def member_form(
    request: Request,
    fields: frozenset[str],
    act: Act,
    page: Page[Any, Any],
    path_params: dict[str, Any] | None = None,
    *,
    missing: tuple[type[actions.ActionError], Page[Any, Any]] | None = None,
) -> Response:
    """Check the form, do ``act``, then go where it says; refused: ``page`` saying why.

    ``missing`` names the refusal that means the row the form is about is not the
    member's (or not at all) and the page to show instead, with a 404: the form's own page
    cannot be drawn for a row that is not there. Sign-in comes back to ``page``'s index.
    """
    reader = await run_in_threadpool(reader_of, request)
    if reader is None:
        back = (missing[1] if missing else page).path
        return RedirectResponse(f"/account/sign-in?next={back}", 303, headers=PRIVATE)
    shown, params, status = page, path_params or {}, 400
    try:
        form = await checked_form(request, fields, reader.secret)
        to = await run_in_threadpool(act, runtime_of(request), reader, form)
    except FormRefused as refused:
        status, message = refused.status, str(refused)
    except actions.ActionError as refused:
        message = str(refused)
        if missing is not None and isinstance(refused, missing[0]):
            shown, params, status = missing[1], {}, 404
            message = message[:1].upper() + message[1:] + "."
    else:
        return RedirectResponse(to, status_code=303, headers=PRIVATE)
    return await run_in_threadpool(render_for, request, shown, reader, params, status, message)


def path_id(request: Request) -> int | None:
    """The ``{id}`` of the path when it is a plausible row id, else None."""
    raw = request.path_params.get("id", "")
    return int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 10 else None
