"""Every page is registered once, and gets its HTML, its ``.json`` twin and, where it has
one, its Atom feed from the same view model, under one caching rule and one not-found rule.

A page is a :class:`Page`: the path, the parameters it reads (a pydantic model of its path
and query parameters, so a bad value is a 400 that names it), the function that builds its
view model, and the template that shows it. :func:`register` adds its routes; the page
modules under ``web/pages/`` only build view models. A view model's fields that exist only
to be shown (rendered SVG, HTML split for layout) are declared with ``Field(exclude=True)``,
so the twin carries data, not presentation.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from tickerwire.news.model import ArticleListing
from tickerwire.runtime import Runtime
from tickerwire.web import assembly
from tickerwire.web.atom import news_feed
from tickerwire.web.cache import ANY_DATA, NEWS, RenderCache, Sources
from tickerwire.web.live_parts import part_bytes, sources_of_part
from tickerwire.web.metrics import route_template
from tickerwire.web.next_path import address_in_site
from tickerwire.web.readers import PRIVATE, READER_PART, Reader, reader_corner, reader_of
from tickerwire.web.ready import StoredPageResponse, address_of
from tickerwire.web.templating import render_template

HTML = "text/html; charset=utf-8"
JSON = "application/json"
ATOM = "application/atom+xml; charset=utf-8"

P = TypeVar("P", bound=BaseModel)
M = TypeVar("M", bound=BaseModel)


class PageNotFound(Exception):
    """There is nothing at this address; the message tells the reader why, in a sentence."""


class BadPageRequest(Exception):
    """A parameter the reader gave cannot be used; the message says which and why."""


class NoParams(BaseModel):
    """For pages that read no parameters."""


@dataclass(frozen=True)
class PageRequest(Generic[P]):
    """What a view-model builder gets: the runtime, the parsed parameters, one ``now``
    for the whole page, and the site's own base URL (for absolute links in feeds)."""

    runtime: Runtime
    params: P
    now: datetime
    base_url: str
    reader: Reader | None = None
    """The member signed in; given to personal pages only (never to a cached one)."""

    @property
    def member(self) -> Reader:
        """The signed-in reader a personal page is built for. Anyone not signed in is sent
        to sign in before any page is built, so this only guards a page used elsewhere."""
        if self.reader is None:
            raise PageNotFound("Sign in to see this page.")
        return self.reader


@dataclass(frozen=True)
class Page(Generic[P, M]):
    name: str
    path: str
    template: str
    build: Callable[[PageRequest[P]], M]
    params: type[P]
    json_path: str | None = None
    """Where the twin lives; ``path + ".json"`` unless given (the home page's is /index.json)."""
    atom: Callable[[PageRequest[P], M], bytes] | None = None
    """The page's Atom feed at ``path + "/news.xml"``, built from the same view model."""
    cached: bool = True
    """Whether the bytes are kept until the data changes (search answers are not: every
    query differs, and the index answers fast)."""
    sources: Callable[[P], Sources] = lambda _params: (NEWS,)
    """What the page's skeleton shows besides its live parts (which name their own): the
    news for most pages; a quote page shows its own instrument's quote too."""
    status: Callable[[M], int] | None = None
    """The HTTP status of a built page when it is not always 200 (a search page showing
    the reader's bad filter beside the form answers 400); only for uncached pages, whose
    status cannot come from the cache."""
    personal: bool = False
    """A member's own page (a watchlist): built for the signed-in reader of each request,
    never cached, sent as private; anyone not signed in is sent to sign in (the twin
    answers 401)."""
    member_parts: Callable[[Runtime, Reader, assembly.PartRef], bytes | None] | None = None
    """Parts of a cached page drawn for a signed-in member instead of the stored ones
    (None: the stored part), joined into the stored skeleton for that request alone: the
    home page's ribbon shows the member's watchlist."""

    def __post_init__(self) -> None:
        if self.status is not None and self.cached:
            raise ValueError(f"page {self.name}: a status rule needs cached=False")
        if self.personal and self.cached:
            raise ValueError(f"page {self.name}: a personal page needs cached=False")

    @property
    def twin_path(self) -> str:
        return self.json_path or f"{self.path}.json"


def page_news_feed(
    request: PageRequest[Any], path: str, name: str, articles: list[ArticleListing]
) -> bytes:
    """The Atom feed of the page at ``path``: its newest articles."""
    base = request.base_url
    return news_feed(
        feed_id=f"{base}{path}",
        title=f"{name} news — Tickerwire",
        self_url=f"{base}{path}/news.xml",
        page_url=f"{base}{path}",
        articles=articles,
        base_url=base,
        updated=request.now,
    )


def message_page(
    runtime: Runtime, status: int, message: str, reader: Reader | None = None
) -> Response:
    """The one page for a missing thing (404), a bad request (400) or a refused one."""
    title = {404: "Not found", 400: "Bad request"}.get(status, "Refused")
    body = render_template("not_found.html", runtime, message=message, title=title, reader=reader)
    headers = PRIVATE if reader is not None else None
    return Response(body, status_code=status, media_type=HTML, headers=headers)


def _params(page: Page[P, M], request: Request) -> P:
    raw: dict[str, Any] = dict(request.query_params) | dict(request.path_params)
    try:
        return page.params.model_validate(raw)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"]) or "a parameter"
        raise BadPageRequest(f"{where}: {problem['msg']}") from None


def _answer(
    kind: str, runtime: Runtime, status: int, message: str, reader: Reader | None
) -> Response:
    if kind == "html":
        return message_page(runtime, status, message, reader)
    return Response(json.dumps({"detail": message}), status_code=status, media_type=JSON)


def _split(skeleton: bytes) -> tuple[list[assembly.Piece], Sources]:
    """The skeleton in pieces, and the sources of the parts it names: a page is current
    while they and its skeleton's own sources are."""
    pieces = assembly.split(skeleton)
    refs = assembly.parts_in(pieces)
    return pieces, tuple(dict.fromkeys(s for ref in refs for s in sources_of_part(ref)))


def _assemble(
    cache: RenderCache,
    runtime: Runtime,
    pieces: list[assembly.Piece],
    reader: Reader | None,
    page: Page[Any, Any] | None = None,
) -> bytes:
    """The page for ``reader``: their own header corner (and the page's member parts),
    rendered for this request and never stored, or (for None) every part as stored for
    everyone."""

    def part(ref: assembly.PartRef) -> bytes:
        if reader is not None and ref.name == READER_PART:
            return reader_corner(reader)
        if reader is not None and page is not None and page.member_parts is not None:
            drawn = page.member_parts(runtime, reader, ref)
            if drawn is not None:
                return drawn
        return part_bytes(cache, runtime, ref)

    return assembly.assemble(pieces, part)


def _serve(
    page: Page[P, M],
    request: Request,
    kind: str,
    media_type: str,
    render: Callable[[PageRequest[P], M], bytes],
) -> Response:
    """One rule for every page and twin: parse, build, render, cache; a missing thing is a
    404 and a bad parameter a 400, in the form of the document asked for.

    An HTML page is cached twice over: its skeleton under the page's own sources, and the
    page assembled from it under those and its parts' sources, so a tick re-assembles the
    page from a stored skeleton and re-rendered parts. Twins and feeds carry quotes in
    their data, so they are kept under every source.

    A signed-in member's HTML page is the stored skeleton joined with their own header
    corner, sent as private and never stored: no other reader is sent their name."""
    runtime: Runtime = request.app.state.runtime
    cache: RenderCache = request.app.state.cache
    reader = reader_of(request) if kind == "html" or page.personal else None
    if page.personal and reader is None:
        return _sign_in_first(request, kind)
    try:
        params = _params(page, request)
    except BadPageRequest as error:
        return _answer(kind, runtime, 400, str(error), reader)
    base_url = str(request.base_url).rstrip("/")
    context = PageRequest(
        runtime, params, runtime.now(), base_url, reader if page.personal else None
    )

    status = 200

    def produce() -> bytes:
        nonlocal status
        model = page.build(context)
        if page.status is not None:
            status = page.status(model)
        return render(context, model)

    try:
        if not page.cached:
            body = produce()
            if kind == "html":
                body = _assemble(cache, runtime, _split(body)[0], reader, page)
        else:
            values = json.dumps(params.model_dump(mode="json"), sort_keys=True)
            key = f"{kind} {base_url}{request.url.path} {values}"
            sources = (*page.sources(params), *ANY_DATA) if kind != "html" else page.sources(params)
            body = cache.get_or_render(key, context.now, produce, sources)
            if reader is not None:
                body = _assemble(cache, runtime, _split(body)[0], reader, page)
                return Response(body, media_type=media_type, headers=PRIVATE)
            if kind == "html":
                pieces, parts = _split(body)
                sources = tuple(dict.fromkeys((*sources, *parts)))
                key = f"page {key}"
                body = cache.get_or_render(
                    key, context.now, lambda: _assemble(cache, runtime, pieces, None), sources
                )
            address = address_of(request.scope)
            route = route_template(request.scope)
            if stored := cache.remember(address, key, sources, context.now, media_type, route):
                return StoredPageResponse(stored, cache)
    except PageNotFound as error:
        return _answer(kind, runtime, 404, str(error), reader)
    except BadPageRequest as error:
        return _answer(kind, runtime, 400, str(error), reader)
    headers = PRIVATE if reader is not None else None
    return Response(body, status_code=status, media_type=media_type, headers=headers)


def _sign_in_first(request: Request, kind: str) -> Response:
    """A personal page asked for by someone not signed in: the sign-in page, coming back
    here after (HTML), or a 401 (the twin)."""
    if kind != "html":
        detail = json.dumps({"detail": "sign in to see this page"})
        return Response(detail, status_code=401, media_type=JSON, headers=PRIVATE)
    back = quote(request.url.path, safe="/")
    return RedirectResponse(f"/account/sign-in?next={back}", status_code=303, headers=PRIVATE)


def render_for(
    request: Request,
    page: Page[Any, Any],
    reader: Reader,
    path_params: dict[str, Any],
    status: int,
    message: str,
    *,
    ok: bool = False,
    shown: dict[str, Any] | None = None,
) -> Response:
    """A personal page drawn for ``reader`` in answer to a form: the page as it stands,
    saying ``message`` (its view model's ``message``, shown and never in the twin; a
    refusal unless ``ok``), with ``status`` and the view model's fields ``shown``
    overridden (a token's secret, shown once); never cached."""
    runtime: Runtime = request.app.state.runtime
    cache: RenderCache = request.app.state.cache
    base_url = str(request.base_url).rstrip("/")
    params = page.params.model_validate(path_params)
    context = PageRequest(runtime, params, runtime.now(), base_url, reader)
    try:
        update = {"message": message, "ok": ok, **(shown or {})}
        model = page.build(context).model_copy(update=update)
    except PageNotFound as error:
        return message_page(runtime, 404, str(error), reader)
    body = _assemble(cache, runtime, _split(_html(context, page, model))[0], reader, page)
    return Response(body, status_code=status, media_type=HTML, headers=PRIVATE)


def _html(
    context: PageRequest[Any], page: Page[Any, Any], model: BaseModel, here: str = ""
) -> bytes:
    """The page's skeleton: its live parts are markers, filled in by :func:`_assemble`.
    ``here`` is its address, for the header's "Sign in" link to come back to."""
    return render_template(page.template, context.runtime, page=model, here=here)


def register(router: APIRouter, page: Page[P, M]) -> Page[P, M]:
    """Add the page's HTML route, its twin and its Atom feed to ``router``."""

    def html(request: Request) -> Response:
        here = address_in_site(request.url.path, request.url.query)
        return _serve(page, request, "html", HTML, lambda c, m: _html(c, page, m, here))

    def twin(request: Request) -> Response:
        return _serve(page, request, "json", JSON, lambda _c, m: m.model_dump_json().encode())

    # The twin and the feed go first: "/quote/{symbol}" would otherwise take "/quote/SPX.json".
    router.add_api_route(page.twin_path, twin, methods=["GET"], name=f"{page.name}.json")
    if page.atom is not None:
        build_atom = page.atom

        def atom(request: Request) -> Response:
            return _serve(page, request, "atom", ATOM, build_atom)

        router.add_api_route(
            f"{page.path}/news.xml", atom, methods=["GET"], name=f"{page.name}.atom"
        )
    router.add_api_route(page.path, html, methods=["GET"], name=page.name)
    return page
