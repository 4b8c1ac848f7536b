"""Quote and topic pages, their JSON twins and their Atom feeds."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tickerwire.instruments import UnknownInstrument
from tickerwire.markets.ranges import parse_range
from tickerwire.runtime import Runtime
from tickerwire.web import news_views, quote_views, views
from tickerwire.web.atom import news_feed
from tickerwire.web.pages import (
    CacheDep,
    RuntimeDep,
    _html,
    _json,
    _not_found,
    page_or_404,
    render_page,
    templates,
)

router = APIRouter(include_in_schema=False)
ATOM = "application/atom+xml; charset=utf-8"
FEED_ENTRIES = 50


def _atom(
    request: Request, runtime: Runtime, page: str, name: str, articles: list[dict[str, Any]]
) -> Response:
    """The Atom twin of the page at ``page``: its newest articles."""
    base = str(request.base_url).rstrip("/")
    body = news_feed(
        feed_id=f"{base}{page}",
        title=f"{name} news — Tickerwire",
        self_url=f"{base}{page}/news.xml",
        page_url=f"{base}{page}",
        articles=articles,
        base_url=base,
        updated=runtime.now(),
    )
    return Response(body, media_type=ATOM)


def _bad_request(message: str) -> Response:
    body = templates.get_template("not_found.html").render(message=message, title="Bad request")
    return Response(body, status_code=400, media_type="text/html; charset=utf-8")


@router.get("/quote/{symbol}.json")
def quote_json(symbol: str, runtime: RuntimeDep, range: str | None = None) -> Response:
    try:
        instrument = runtime.registry.get(symbol)
        chosen = parse_range(range)
    except UnknownInstrument as error:
        return Response(json.dumps({"detail": str(error)}), 404, media_type="application/json")
    except ValueError as error:
        return Response(json.dumps({"detail": str(error)}), 400, media_type="application/json")
    page = quote_views.quote_page(runtime, instrument, chosen)
    return _json(json.dumps(views.as_json(page)).encode())


@router.get("/quote/{symbol}/news.xml")
def quote_atom(symbol: str, request: Request, runtime: RuntimeDep) -> Response:
    try:
        instrument = runtime.registry.get(symbol)
    except UnknownInstrument as error:
        return _not_found(str(error))
    articles = runtime.news.articles_for_symbol(instrument.symbol, FEED_ENTRIES)
    return _atom(request, runtime, f"/quote/{instrument.symbol}", instrument.name, articles)


@router.get("/quote/{symbol}")
def quote(symbol: str, runtime: RuntimeDep, cache: CacheDep, range: str | None = None) -> Response:
    try:
        instrument = runtime.registry.get(symbol)
        chosen = parse_range(range)
    except UnknownInstrument:
        return _not_found(
            f"Tickerwire does not track {symbol!r}. Add it to the registry in your settings."
        )
    except ValueError as error:
        return _bad_request(str(error))
    now = runtime.now()

    def render() -> bytes:
        page = quote_views.quote_page(runtime, instrument, chosen)
        top = views.markets_top(runtime, now)
        return render_page("quote.html", runtime, page=page, top=top)

    return _html(cache.get_or_render(f"/quote/{instrument.symbol}?{chosen.value}", now, render))


@router.get("/topic/{slug}.json")
def topic_json(slug: str, runtime: RuntimeDep) -> Response:
    page = news_views.topic_page(runtime, slug)
    if page is None:
        return Response(
            json.dumps({"detail": f"no topic {slug!r}"}), 404, media_type="application/json"
        )
    return _json(json.dumps(views.as_json(page)).encode())


@router.get("/topic/{slug}/news.xml")
def topic_atom(slug: str, request: Request, runtime: RuntimeDep) -> Response:
    found = runtime.news.entity(slug)
    if found is None:
        return _not_found(f"No article names a topic {slug!r} yet.")
    articles = runtime.news.articles_for_entity(slug, FEED_ENTRIES)
    return _atom(request, runtime, f"/topic/{slug}", found["name"], articles)


@router.get("/topic/{slug}")
def topic(slug: str, runtime: RuntimeDep, cache: CacheDep) -> Response:
    return page_or_404(
        runtime,
        cache,
        f"/topic/{slug}",
        lambda: news_views.topic_page(runtime, slug),
        "topic.html",
        f"No article names a topic {slug!r} yet.",
    )
