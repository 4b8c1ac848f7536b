"""``/admin/feeds``: every subscription with its state, last fetch and errors, and the
forms that change them: add (a feed's URL or a page naming one, fetched at once, with
what that first fetch gave), remove, pause and resume, refresh now, OPML in (an upload)
and out (a download). Each form calls the function of :mod:`tickerwire.actions` that
``tickerwire feeds`` calls."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.types import Message

from tickerwire import actions, humanize
from tickerwire.net.redact import redact_url
from tickerwire.runtime import Runtime
from tickerwire.web.forms import TOKEN_FIELD, FormRefused, check_token, refuse_cross_site
from tickerwire.web.pages.admin.access import (
    AdminPage,
    Shown,
    acted,
    admin_form,
    admin_or_refusal,
    back_to,
    register,
    runtime_of,
)
from tickerwire.web.pages.feeds import FeedView
from tickerwire.web.pages.feeds import feeds as feed_views
from tickerwire.web.readers import PRIVATE, Reader

ADD_FIELDS = frozenset({"url", "title"})
FEED_FIELDS: frozenset[str] = frozenset()
UPLOAD_FIELD = "opml"
UPLOAD_OVERHEAD = 16 * 1024
"""Room for the form around the file: its token, boundaries and part headers."""
DONE = {
    "removed": "The feed is removed; its articles stay.",
    "paused": "The feed is paused: nothing fetches it until it is resumed.",
    "resumed": "The feed is resumed: it is fetched on its schedule again.",
}


class AdminFeedView(FeedView):
    paused: bool


class FeedsAdmin(BaseModel):
    feeds: list[AdminFeedView]
    opml_max_bytes: int


def admin_feeds(runtime: Runtime) -> list[AdminFeedView]:
    paused = {f.id for f in runtime.news.feeds() if f.paused}
    return [
        AdminFeedView(**view.model_dump(), paused=view.id in paused) for view in feed_views(runtime)
    ]


def build(request: Request, _reader: Reader) -> FeedsAdmin:
    runtime = runtime_of(request)
    return FeedsAdmin(
        feeds=admin_feeds(runtime), opml_max_bytes=runtime.settings.fetch.opml_max_bytes
    )


PAGE = AdminPage(name="admin.feeds", path="/admin/feeds", template="admin_feeds.html", build=build)

router = APIRouter(include_in_schema=False)
register(router, PAGE, DONE)


def subscribed(subscription: actions.Subscription, now: datetime) -> Shown:
    """What adding a feed did, in sentences: which feed, where it was found, and how the
    first fetch went."""
    feed = subscription.feed
    said = f"Subscribed to feed {feed.id}, {redact_url(feed.url)}"
    if subscription.found_on is not None:
        said += f" (the feed named by {redact_url(subscription.found_on)})"
    first = subscription.first_fetch
    if first is None:
        return Shown(said + ".")
    if first.status == "error":
        retry = humanize.until(first.next_fetch_at, now)
        return Shown(
            f"{said}. Its first fetch failed: {first.error}; it stays subscribed and is "
            f"retried {retry}.",
            ok=False,
        )
    return Shown(f"{said}. First fetch: {first.new_entries} new entries.")


@router.post("/admin/feeds/add")
async def add(request: Request) -> Response:
    async def act(_reader: Reader, form: dict[str, str]) -> Shown:
        runtime = runtime_of(request)
        subscription = await actions.subscribe(
            runtime, form.get("url", ""), title=form.get("title", "").strip()
        )
        return subscribed(subscription, runtime.now())

    return await admin_form(request, PAGE, ADD_FIELDS, act)


def _feed_action(name: str, done: str, change: Callable[[Runtime, str], object]) -> None:
    """``POST /admin/feeds/{id}/name``: ``change`` on the feed, then the page again."""

    async def post(request: Request, feed_id: int) -> Response:
        async def act(_reader: Reader, _form: dict[str, str]) -> Response:
            await run_in_threadpool(change, runtime_of(request), str(feed_id))
            return back_to(PAGE, done)

        return await admin_form(request, PAGE, FEED_FIELDS, act)

    router.add_api_route(f"/admin/feeds/{{feed_id}}/{name}", post, methods=["POST"])


_feed_action("remove", "removed", actions.unsubscribe)
_feed_action("pause", "paused", actions.pause_feed)
_feed_action("resume", "resumed", actions.resume_feed)


@router.post("/admin/feeds/{feed_id}/refresh")
async def refresh(request: Request, feed_id: int) -> Response:
    async def act(_reader: Reader, _form: dict[str, str]) -> Shown:
        runtime = runtime_of(request)
        feed = await run_in_threadpool(actions.find_feed, runtime, str(feed_id))
        report = await actions.refresh_feeds(runtime, [feed])
        if report.busy:
            return Shown(f"Feed {feed.id} is being fetched by another worker right now.")
        result = report.results[0]
        if result.status == "error":
            return Shown(f"Feed {feed.id} failed to fetch: {result.error}", ok=False)
        return Shown(f"Feed {feed.id} fetched: {result.new_entries} new entries.")

    return await admin_form(request, PAGE, FEED_FIELDS, act)


def imported(report: actions.ImportReport) -> Shown:
    lines = [f"{len(report.added)} feeds added, {len(report.skipped)} skipped."]
    lines += [f"Skipped {redact_url(s.url)}: {s.reason}." for s in report.skipped[:20]]
    if len(report.skipped) > 20:
        lines.append(f"… and {len(report.skipped) - 20} more skipped.")
    if report.limit_note is not None:
        lines.append(report.limit_note[0].upper() + report.limit_note[1:] + ".")
    if report.refreshed is not None:
        fetched = report.refreshed
        lines.append(
            f"{len(fetched.results)} fetched, {fetched.new_entries} new entries, "
            f"{len(fetched.failed)} failed."
        )
    return Shown(" ".join(lines), ok=bool(report.added))


@router.post("/admin/feeds/import")
async def import_opml(request: Request) -> Response:
    """An OPML file uploaded as ``multipart/form-data``, checked like every form (not
    cross-site, the session's token), within ``fetch.opml_max_bytes``."""
    reader = await admin_or_refusal(request)
    if isinstance(reader, Response):
        return reader
    runtime = runtime_of(request)
    try:
        content = await _uploaded(request, reader, runtime.settings.fetch.opml_max_bytes)
    except FormRefused as refusal:
        return await PAGE.html(request, reader, Shown(str(refusal), ok=False), refusal.status)

    async def act() -> Shown:
        return imported(await actions.import_opml(runtime, content))

    return await acted(request, PAGE, reader, act)


async def _capped_body(request: Request, most: int, too_big: FormRefused) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > most:
        raise too_big
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > most:
            raise too_big
    return bytes(body)


async def _uploaded(request: Request, reader: Reader, limit: int) -> bytes:
    """The uploaded file's bytes, or :class:`FormRefused`. The whole request is read
    within the limit (and a little for the form around the file) before it is parsed, so
    nothing larger is ever spooled."""
    refuse_cross_site(request)
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind != "multipart/form-data":
        raise FormRefused(415, "send the OPML file from the import form")
    too_big = FormRefused(
        413, f"the upload is larger than the {limit}-byte limit (fetch.opml_max_bytes)"
    )
    body = await _capped_body(request, limit + UPLOAD_OVERHEAD, too_big)

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(request.scope, receive).form(max_files=1, max_fields=1)
    except (MultiPartException, ValueError) as error:
        raise FormRefused(400, f"the upload could not be read: {error}") from None
    try:
        unknown = [name for name in form if name not in (TOKEN_FIELD, UPLOAD_FIELD)]
        if unknown:
            raise FormRefused(
                400, f"this form has no field named {unknown[0][:40]}; nothing was changed"
            )
        token = form.get(TOKEN_FIELD)
        check_token({TOKEN_FIELD: token if isinstance(token, str) else ""}, reader.secret)
        upload = form.get(UPLOAD_FIELD)
        if not isinstance(upload, UploadFile):
            raise FormRefused(400, "choose an OPML file to import")
        content = await upload.read(limit + 1)
        if len(content) > limit:
            raise too_big
        return content
    finally:
        await form.close()


@router.get("/admin/feeds/export.opml")
async def export(request: Request) -> Response:
    """Every subscription as an OPML download (what ``tickerwire feeds export`` writes)."""
    reader = await admin_or_refusal(request)
    if isinstance(reader, Response):
        return reader
    document = await run_in_threadpool(actions.export_subscriptions, runtime_of(request))
    headers = {**PRIVATE, "content-disposition": 'attachment; filename="tickerwire-feeds.opml"'}
    return Response(document, media_type="text/x-opml; charset=utf-8", headers=headers)
