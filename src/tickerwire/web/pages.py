"""HTML pages. Each has a JSON twin: the same view model, at the same path + ``.json``.

Pages carry no inline script (live updates come from /static/live.js), so a rendered page
is the same for every reader and is served from the render cache until its data changes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel

from tickerwire.runtime import Runtime
from tickerwire.web import news_views, quote_views, search_views, views
from tickerwire.web.cache import RenderCache
from tickerwire.web.deps import get_cache, get_runtime

router = APIRouter(include_in_schema=False)
templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
CacheDep = Annotated[RenderCache, Depends(get_cache)]


def render_page(name: str, runtime: Runtime, **context: object) -> bytes:
    """A template with what every page's header needs (the symbols for autocomplete)."""
    template = templates.get_template(name)
    return template.render(instruments=list(runtime.registry), **context).encode()


def _html(body: bytes) -> Response:
    return Response(body, media_type="text/html; charset=utf-8")


def _json(body: bytes) -> Response:
    return Response(body, media_type="application/json")


@router.get("/")
def home(runtime: RuntimeDep, cache: CacheDep) -> Response:
    now = runtime.now()

    def render() -> bytes:
        page = views.home(runtime, now)
        return render_page("home.html", runtime, page=page, movers=quote_views.movers(runtime))

    return _html(cache.get_or_render("/", now, render))


@router.get("/index.json")
def home_json(runtime: RuntimeDep, cache: CacheDep) -> Response:
    now = runtime.now()

    def render() -> bytes:
        return json.dumps(views.as_json(views.home(runtime, now))).encode()

    return _json(cache.get_or_render("/index.json", now, render))


def _not_found(message: str) -> Response:
    body = templates.get_template("not_found.html").render(message=message, title="Not found")
    return Response(body, status_code=404, media_type="text/html; charset=utf-8")


@router.get("/article/{article_id}.json")
def article_json(article_id: int, runtime: RuntimeDep, cache: CacheDep) -> Response:
    now = runtime.now()

    def render() -> bytes:
        page = news_views.article_page(runtime, article_id)
        return json.dumps(views.as_json(page) if page else None).encode()

    body = cache.get_or_render(f"/article/{article_id}.json", now, render)
    if body == b"null":
        return Response(
            json.dumps({"detail": f"no article {article_id}"}),
            status_code=404,
            media_type="application/json",
        )
    return _json(body)


def page_or_404(
    runtime: Runtime,
    cache: RenderCache,
    key: str,
    build: Callable[[], BaseModel | None],
    template: str,
    missing: str,
) -> Response:
    """A cached page under the ribbon, built from ``build``'s view model, or a 404 page
    saying ``missing`` when there is nothing to show."""
    now = runtime.now()

    def render() -> bytes:
        page = build()
        if page is None:
            return b""
        top = views.markets_top(runtime, now)
        return render_page(template, runtime, page=page, top=top)

    body = cache.get_or_render(key, now, render)
    return _html(body) if body else _not_found(missing)


@router.get("/article/{article_id}")
def article(article_id: int, runtime: RuntimeDep, cache: CacheDep) -> Response:
    return page_or_404(
        runtime,
        cache,
        f"/article/{article_id}",
        lambda: news_views.article_page(runtime, article_id),
        "article.html",
        f"There is no article {article_id}. It may have been removed.",
    )


@router.get("/feeds")
def feeds_page(runtime: RuntimeDep, cache: CacheDep) -> Response:
    now = runtime.now()

    def render() -> bytes:
        return render_page("feeds.html", runtime, feeds=news_views.feeds(runtime))

    return _html(cache.get_or_render("/feeds", now, render))


@router.get("/feeds.json")
def feeds_json(runtime: RuntimeDep) -> Response:
    rows = [views.as_json(f) for f in news_views.feeds(runtime)]
    return _json(json.dumps({"feeds": rows}).encode())


@router.get("/search")
def search_page(
    runtime: RuntimeDep,
    q: str = "",
    publisher: str | None = None,
    symbol: str | None = None,
    since: str | None = None,
    until: str | None = None,
    page: int = 1,
) -> Response:
    """Not cached: every query is different, and the store's index answers fast."""
    filters = {"publisher": publisher, "symbol": symbol, "since": since, "until": until}
    error = None
    try:
        result = search_views.search(runtime, q=q, page=page, **filters)
    except search_views.SearchError as problem:
        error = str(problem)
        result = search_views.search(runtime, q=q)
    pager = urlencode({"q": q, **{k: v for k, v in filters.items() if v}})
    body = render_page("search.html", runtime, page=result, error=error, pager_query=pager, query=q)
    return Response(body, status_code=400 if error else 200, media_type="text/html; charset=utf-8")
