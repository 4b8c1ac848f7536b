"""Who may use the admin console, and how each of its pages and forms is served.

Only a signed-in admin whose account is not disabled may see or post anything under
``/admin``: anyone not signed in is sent to sign in (a twin answers 401), a member who is
not an admin is refused with 403, and so is every form that fails the checks of
:mod:`tickerwire.web.forms` (another site, a stale token, a field the form does not have).

An admin page is registered once, as on the public pages (:mod:`tickerwire.web.twins`):
one function builds its view model, and the HTML page and its ``.json`` twin are both
made from it. The console's pages are never cached and always sent as ``private,
no-store``: they show state that changes with every action, to one person.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from tickerwire import actions
from tickerwire.runtime import Runtime
from tickerwire.web.forms import FormRefused, checked_form
from tickerwire.web.readers import PRIVATE, Reader, reader_of
from tickerwire.web.templating import render_template
from tickerwire.web.twins import HTML, JSON, message_page

NOT_ADMIN = "only the site's admins may use the admin console"


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def is_admin(reader: Reader | None) -> bool:
    return reader is not None and reader.member.role == "admin" and not reader.member.disabled


def sign_in_first(request: Request) -> Response:
    """Off to sign in, and back here after."""
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    target = f"/account/sign-in?next={quote(back, safe='/')}"
    return RedirectResponse(target, status_code=303, headers=PRIVATE)


def _refusal(request: Request, reader: Reader | None, *, twin: bool) -> Response | None:
    """The answer for anyone who may not be here, or None for an admin."""
    if is_admin(reader):
        return None
    if twin:
        status = 401 if reader is None else 403
        detail = "sign in as an admin" if reader is None else NOT_ADMIN
        return Response(json.dumps({"detail": detail}), status, media_type=JSON, headers=PRIVATE)
    if reader is None:
        return sign_in_first(request)
    return message_page(runtime_of(request), 403, NOT_ADMIN, reader)


async def admin_or_refusal(request: Request, *, twin: bool = False) -> Reader | Response:
    """The admin reading, or the answer for anyone else."""
    reader = await run_in_threadpool(reader_of, request)
    refused = _refusal(request, reader, twin=twin)
    if refused is not None:
        return refused
    assert reader is not None
    return reader


@dataclass(frozen=True)
class Shown:
    """What a page shows beside its data after an action: a sentence, and whether it went
    well (a refusal is shown as an alert)."""

    message: str | None = None
    ok: bool = True


Builder = Callable[[Request, Reader], BaseModel | Awaitable[BaseModel]]


@dataclass(frozen=True)
class AdminPage:
    """A page of the console: its path, its template and the function building its view
    model (sync functions run in the thread pool; they read the database)."""

    name: str
    path: str
    template: str
    build: Builder

    async def model(self, request: Request, reader: Reader) -> BaseModel:
        if inspect.iscoroutinefunction(self.build):
            built = await self.build(request, reader)
        else:
            built = await run_in_threadpool(self.build, request, reader)
        assert isinstance(built, BaseModel)
        return built

    async def html(
        self, request: Request, reader: Reader, shown: Shown = Shown(), status: int = 200
    ) -> Response:
        """The page for ``reader``, with ``shown`` above its data."""
        model = await self.model(request, reader)
        body = render_template(
            self.template,
            runtime_of(request),
            page=model,
            reader=reader,
            message=shown.message,
            ok=shown.ok,
            section=self.name,
        )
        return Response(body, status, media_type=HTML, headers=PRIVATE)


def register(router: APIRouter, page: AdminPage, done: dict[str, str] | None = None) -> AdminPage:
    """The page's HTML route and its twin at ``path + ".json"``, for admins only.

    ``done`` names the sentences a redirect back after an action may show (by key, as
    ``?done=key``): nothing from the address itself is shown.
    """
    sentences = done or {}

    async def html(request: Request) -> Response:
        reader = await admin_or_refusal(request)
        if isinstance(reader, Response):
            return reader
        said = sentences.get(request.query_params.get("done", ""))
        return await page.html(request, reader, Shown(said))

    async def twin(request: Request) -> Response:
        reader = await admin_or_refusal(request, twin=True)
        if isinstance(reader, Response):
            return reader
        model = await page.model(request, reader)
        return Response(model.model_dump_json(), media_type=JSON, headers=PRIVATE)

    router.add_api_route(f"{page.path}.json", twin, methods=["GET"], name=f"{page.name}.json")
    router.add_api_route(page.path, html, methods=["GET"], name=page.name)
    return page


Act = Callable[[Reader, dict[str, str]], Awaitable[Response | Shown]]


async def admin_form(
    request: Request, page: AdminPage, fields: frozenset[str], act: Act
) -> Response:
    """An admin's form, checked (:func:`~tickerwire.web.forms.checked_form`) against their
    session's token before ``act`` runs. ``act`` answers a redirect, or a sentence to show
    on ``page``; a refusal (a form that fails its checks, an :class:`ActionError`) is
    ``page`` again, saying why, and nothing is changed."""
    reader = await admin_or_refusal(request)
    if isinstance(reader, Response):
        return reader
    try:
        form = await checked_form(request, fields, reader.secret)
    except FormRefused as refusal:
        return await page.html(request, reader, Shown(str(refusal), ok=False), refusal.status)
    return await acted(request, page, reader, lambda: act(reader, form))


async def acted(
    request: Request,
    page: AdminPage,
    reader: Reader,
    act: Callable[[], Awaitable[Response | Shown]],
) -> Response:
    """``act``'s answer: its redirect, or ``page`` showing its sentence (a refusal: 400)."""
    try:
        answer = await act()
    except actions.ActionError as refusal:
        return await page.html(request, reader, Shown(str(refusal), ok=False), 400)
    if isinstance(answer, Response):
        return answer
    return await page.html(request, reader, answer)


def back_to(page: AdminPage, done: str) -> Response:
    """After an action: the page again, by GET, with the sentence named ``done``."""
    return RedirectResponse(f"{page.path}?done={done}", status_code=303, headers=PRIVATE)
