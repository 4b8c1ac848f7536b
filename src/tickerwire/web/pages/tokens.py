"""A member's API tokens at /account/tokens: make one (its secret shown on the page that
answers the form, once, and never again), see when each was last used, revoke one.
Personal like the watchlists' pages; its ``.json`` twin lists the tokens, never a secret.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from tickerwire import actions
from tickerwire.store.watchlists import TokenRow
from tickerwire.web.forms import FormRefused, checked_form
from tickerwire.web.readers import PRIVATE, reader_of
from tickerwire.web.twins import Page, PageNotFound, PageRequest, render_for

router = APIRouter(include_in_schema=False)

CREATE_FIELDS = frozenset({"name"})
REVOKE_FIELDS = frozenset({"token"})
DONE = {"revoked": "The token is revoked: it opens nothing from now on."}


class TokenView(BaseModel):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, row: TokenRow) -> TokenView:
        return cls(
            id=row.id,
            name=row.name,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
        )


class TokensPage(BaseModel):
    title: str
    tokens: list[TokenView]
    message: str | None = Field(default=None, exclude=True)
    ok: bool = Field(default=True, exclude=True)
    form_token: str = Field(default="", exclude=True)
    new_token: str | None = Field(default=None, exclude=True)
    """The secret of a token just made, on the page answering the form only."""


class TokensParams(BaseModel):
    done: str = Field("", max_length=20)


def build(request: PageRequest[TokensParams]) -> TokensPage:
    if request.reader is None:
        raise PageNotFound("Sign in to see your API tokens.")
    member = request.reader.member.id
    return TokensPage(
        title="API tokens",
        tokens=[TokenView.of(t) for t in actions.api_tokens_of(request.runtime, member)],
        message=DONE.get(request.params.done),
        form_token=request.reader.form_token,
    )


PAGE = Page(
    name="account.tokens",
    path="/account/tokens",
    template="account_tokens.html",
    build=build,
    params=TokensParams,
    cached=False,
    personal=True,
)


@router.post("/account/tokens")
async def create(request: Request) -> Response:
    reader = await run_in_threadpool(reader_of, request)
    if reader is None:
        return RedirectResponse("/account/sign-in?next=/account/tokens", 303, headers=PRIVATE)
    runtime = request.app.state.runtime
    try:
        form = await checked_form(request, CREATE_FIELDS, reader.secret)
        made = await run_in_threadpool(
            actions.create_api_token, runtime, reader.member.id, form.get("name", "")
        )
    except (FormRefused, actions.ActionError) as refused:
        status = refused.status if isinstance(refused, FormRefused) else 400
        return await run_in_threadpool(render_for, request, PAGE, reader, {}, status, str(refused))
    message = "Your new token is below. Copy it now: it is not shown again."
    return await run_in_threadpool(
        lambda: render_for(
            request, PAGE, reader, {}, 201, message, ok=True, shown={"new_token": made.secret}
        )
    )


@router.post("/account/tokens/revoke")
async def revoke(request: Request) -> Response:
    reader = await run_in_threadpool(reader_of, request)
    if reader is None:
        return RedirectResponse("/account/sign-in?next=/account/tokens", 303, headers=PRIVATE)
    runtime = request.app.state.runtime
    try:
        form = await checked_form(request, REVOKE_FIELDS, reader.secret)
        raw = form.get("token", "")
        token_id = int(raw) if raw.isdigit() and len(raw) < 10 else 0
        await run_in_threadpool(actions.revoke_api_token, runtime, reader.member.id, token_id)
    except (FormRefused, actions.ActionError) as refused:
        status = refused.status if isinstance(refused, FormRefused) else 400
        return await run_in_threadpool(render_for, request, PAGE, reader, {}, status, str(refused))
    return RedirectResponse("/account/tokens?done=revoked", status_code=303, headers=PRIVATE)
