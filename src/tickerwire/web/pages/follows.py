"""Following a topic (a company, person, country or central bank) from its page.

A topic page is stored and sent to everyone alike, so its follow button is a part
(``{{ live("follow", slug) }}``): everyone is sent a "sign in to follow" link, and a
signed-in member's request gets a form with their own token, saying whether they
follow it, drawn for that request alone (:attr:`tickerwire.web.twins.Page.member_parts`).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from tickerwire import actions
from tickerwire.runtime import Runtime
from tickerwire.web.assembly import PartRef
from tickerwire.web.forms import FormRefused, checked_form
from tickerwire.web.next_path import safe_next
from tickerwire.web.readers import PRIVATE, Reader, reader_of
from tickerwire.web.templating import render_part
from tickerwire.web.twins import message_page

router = APIRouter(include_in_schema=False)

FOLLOW_PART = "follow"
FOLLOW_TEMPLATE = "_follow.html"
FOLLOW_FIELDS = frozenset({"slug", "next"})


def topic_path(slug: str) -> str:
    return f"/topic/{quote(slug, safe='')}"


def follow_part(runtime: Runtime, reader: Reader, ref: PartRef) -> bytes | None:
    """The follow button as ``reader`` sees it on the topic ``ref.arg``; None for any
    other part (the stored one is used)."""
    if ref.name != FOLLOW_PART:
        return None
    following = any(f.slug == ref.arg for f in actions.follows_of(runtime, reader.member.id))
    return render_part(
        FOLLOW_TEMPLATE,
        reader=reader,
        slug=ref.arg,
        following=following,
        back=topic_path(ref.arg),
    )


async def _follow_form(request: Request, follow: bool) -> Response:
    runtime: Runtime = request.app.state.runtime
    reader = await run_in_threadpool(reader_of, request)
    if reader is None:
        return RedirectResponse("/account/sign-in", 303, headers=PRIVATE)
    try:
        form = await checked_form(request, FOLLOW_FIELDS, reader.secret)
        slug = form.get("slug", "")
        if follow:
            await run_in_threadpool(actions.follow_entity, runtime, reader.member.id, slug)
        else:
            await run_in_threadpool(actions.unfollow_entity, runtime, reader.member.id, slug)
    except (FormRefused, actions.ActionError) as refused:
        status = refused.status if isinstance(refused, FormRefused) else 400
        return message_page(runtime, status, str(refused), reader)
    to = safe_next(form.get("next")) or topic_path(slug)
    return RedirectResponse(to, status_code=303, headers=PRIVATE)


@router.post("/follows")
async def follow(request: Request) -> Response:
    return await _follow_form(request, True)


@router.post("/follows/remove")
async def unfollow(request: Request) -> Response:
    return await _follow_form(request, False)
