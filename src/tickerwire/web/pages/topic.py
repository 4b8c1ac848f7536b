"""A topic page: the news naming one company, person, central bank, country or currency."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tickerwire.runtime import Runtime
from tickerwire.web.pages.follows import follow_part
from tickerwire.web.parts import Headline, headline
from tickerwire.web.twins import Page, PageNotFound, PageRequest, page_news_feed


class TopicPage(BaseModel):
    slug: str
    name: str
    kind: str
    news: list[Headline]
    news_feed: str


def topic_page(runtime: Runtime, slug: str) -> TopicPage | None:
    found = runtime.news.entity(slug)
    if found is None:
        return None
    now = runtime.now()
    return TopicPage(
        slug=slug,
        name=found.name,
        kind=found.kind,
        news=[headline(runtime, r, now) for r in runtime.news.articles_for_entity(slug)],
        news_feed=f"/topic/{slug}/news.xml",
    )


FEED_ENTRIES = 50


class TopicParams(BaseModel):
    slug: str = Field(max_length=120)


def build(request: PageRequest[TopicParams]) -> TopicPage:
    page = topic_page(request.runtime, request.params.slug)
    if page is None:
        raise PageNotFound(f"No article names a topic {request.params.slug!r} yet.")
    return page


def atom(request: PageRequest[TopicParams], page: TopicPage) -> bytes:
    articles = request.runtime.news.articles_for_entity(page.slug, FEED_ENTRIES)
    return page_news_feed(request, f"/topic/{page.slug}", page.name, articles)


PAGE = Page(
    name="topic",
    path="/topic/{slug}",
    template="topic.html",
    build=build,
    params=TopicParams,
    atom=atom,
    member_parts=follow_part,
)
