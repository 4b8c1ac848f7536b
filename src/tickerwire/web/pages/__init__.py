"""One module per page; each builds its view model and declares itself as a
:class:`~tickerwire.web.twins.Page`. :data:`ALL` is the list the app registers and the
twin test walks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from tickerwire.web.pages import (
    alerts,
    article,
    feeds,
    home,
    quote,
    search,
    tokens,
    topic,
    watchlists,
    why,
)
from tickerwire.web.twins import Page, register

ALL: tuple[Page[Any, Any], ...] = (
    home.PAGE,
    article.PAGE,
    quote.PAGE,
    why.PAGE,
    topic.PAGE,
    search.PAGE,
    feeds.PAGE,
)
#: A member's own pages: built for the signed-in reader, never cached (walked by their tests).
PERSONAL: tuple[Page[Any, Any], ...] = (
    watchlists.LISTS,
    watchlists.LIST,
    tokens.PAGE,
    alerts.ALERTS,
    alerts.INBOX,
)


def router() -> APIRouter:
    """The routes of every page, its twin and its feed."""
    pages = APIRouter(include_in_schema=False)
    for page in (*ALL, *PERSONAL):
        register(pages, page)
    return pages
